/**
 * SOC 2 CC6.1 control: password hashing (bcrypt cost of every stored password hash).
 * The data-handling spec requires bcrypt cost >= 12. Passwords live in auth.users, hashed
 * by Supabase Auth, which chooses the cost (Go's bcrypt.DefaultCost, 10, in supabase/auth
 * internal/crypto/password.go) and offers no setting for it on hosted projects: a project
 * with password users therefore fails this control, which says so rather than hide it.
 * Counts only: never a hash, a user id or an email.
 */

-- Never queue live traffic behind this migration: give up on a busy lock, retry the deploy.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function sealog.soc2_password_hashing(p_min_cost integer default 12)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with hashes as (
    -- Modular crypt format $2a$NN$…, $2b$, $2x$, $2y$: NN is the cost (log2 of the rounds).
    select substring(u.encrypted_password from '^\$2[abxy]?\$([0-9]{2})\$')::integer as cost,
           coalesce(u.encrypted_password, '') <> '' as has_password
      from auth.users u
  ),
  figures as (
    select count(*) filter (where has_password) as stored,
           count(*) filter (where cost is not null and cost < p_min_cost) as below_minimum,
           count(*) filter (where has_password and cost is null) as not_bcrypt
      from hashes
  )
  select sealog.soc2_control(
    'password_hashing',
    format('Password hashing: every stored password is a bcrypt hash of cost %s or more', p_min_cost),
    (select jsonb_agg(f) from (
       select sealog.soc2_finding('bcrypt_cost_below_minimum', 'auth.users.encrypted_password',
                                  format('%s stored hashes have a bcrypt cost below %s', below_minimum, p_min_cost)) as f
         from figures where below_minimum > 0
       union all
       select sealog.soc2_finding('password_not_bcrypt', 'auth.users.encrypted_password',
                                  format('%s stored passwords are not bcrypt hashes', not_bcrypt))
         from figures where not_bcrypt > 0
     ) x),
    jsonb_build_object(
      'minimum_cost', p_min_cost,
      'stored_hashes', (select stored from figures),
      'hashes_by_cost', (
        select coalesce(jsonb_object_agg(cost::text, n order by cost), '{}')
          from (select cost, count(*) as n from hashes where cost is not null group by cost) c),
      'below_minimum', (select below_minimum from figures),
      'not_bcrypt', (select not_bcrypt from figures)
    )
  )
$$;
comment on function sealog.soc2_password_hashing(integer) is 'CC6.1 password hashing: counts the bcrypt cost of every stored hash in auth.users; findings for hashes below the minimum cost (12) and passwords that are not bcrypt. Counts only, never a hash.';

-- Owner (postgres) only.
revoke all on function sealog.soc2_password_hashing(integer) from public, anon, authenticated, service_role, sealog_edge;
