-- The SOC 2 password-hashing control reads the bcrypt cost of every stored hash in auth.users
-- and reports those below 12 (and passwords that are not bcrypt) as counts, never a hash.
begin;
select plan(6);

-- Earlier tests' users carry no password; these four do (hash bodies are placeholders).
insert into auth.users (id, email, encrypted_password) values
  (gen_random_uuid(), null, '$2a$10$' || repeat('A', 53)),
  (gen_random_uuid(), null, '$2a$12$' || repeat('B', 53)),
  (gen_random_uuid(), null, '$2b$13$' || repeat('C', 53)),
  (gen_random_uuid(), null, 'plaintext-is-not-a-hash');

select sealog.soc2_password_hashing() as control \gset

select is(:'control'::jsonb ->> 'status', 'fail', 'the control fails');
select is(
  (select jsonb_agg(f ->> 'code' order by f ->> 'code') from jsonb_array_elements(:'control'::jsonb -> 'findings') f),
  '["bcrypt_cost_below_minimum", "password_not_bcrypt"]'::jsonb,
  'a hash below cost 12 and a password that is not bcrypt are findings'
);
select is(:'control'::jsonb -> 'evidence' -> 'hashes_by_cost', '{"10": 1, "12": 1, "13": 1}'::jsonb,
  'the evidence counts hashes by cost');
select is((:'control'::jsonb -> 'evidence' ->> 'below_minimum')::int, 1, 'one hash is below 12');
select ok(:'control' !~ '\$2[abxy]?\$|AAAA|plaintext', 'no hash or password appears in the control');
select is(
  (select c ->> 'status' from jsonb_array_elements(sealog_admin.generate_soc2_report() -> 'controls') c
    where c ->> 'id' = 'password_hashing'),
  'fail',
  'the report carries the control'
);

select * from finish();
rollback;
