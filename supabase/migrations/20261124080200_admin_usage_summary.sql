/**
 * The operators' cross-tenant usage summary (deno task usage): one row per tenant over a time
 * range, counts and sums only, read from the usage rollups. In sealog_admin, executable by the
 * migration owner (postgres) alone, like every operator function; no tenant key can reach it
 * (GET /operator/usage serves it to the operator).
 */

create function sealog_admin.usage_summary(p_from timestamptz, p_to timestamptz)
returns table (
  tenant_id uuid,
  name text,
  events bigint,
  errors bigint,
  input_tokens numeric,
  output_tokens numeric,
  cost_micro_usd numeric,
  last_event_at timestamptz
)
language sql
stable
security definer
set search_path = ''
as $$
  -- Counts and sums from the usage rollups summed over agents and statuses (sealog.usage_parts,
  -- not p_detailed: the fewest rows); the last event's time from
  -- the raw rows, one index probe per tenant.
  with usage as (
    select p.tenant_id, sum(p.events) as events, sum(p.errors) as errors,
           sum(p.input_tokens) as input_tokens, sum(p.output_tokens) as output_tokens,
           sum(p.cost_micro_usd) as cost_micro_usd
      from sealog.usage_parts(array(select t.tenant_id from sealog.tenants as t), p_from, p_to, false,
                              p_detailed => false) as p
     -- A head shared by two series buckets counts + in one and - in the other: none in a sum
     -- over the whole range (without a granularity there is none anyway).
     where p.also_at is null
     group by p.tenant_id
  )
  select t.tenant_id, t.name::text,
         coalesce(u.events, 0)::bigint,
         coalesce(u.errors, 0)::bigint,
         coalesce(u.input_tokens, 0),
         coalesce(u.output_tokens, 0),
         coalesce(u.cost_micro_usd, 0),
         (select max(e.occurred_at)
            from sealog.llm_request_logs as e
           where e.tenant_id = t.tenant_id
             and e.occurred_at >= p_from
             and e.occurred_at < p_to)
    from sealog.tenants as t
    left join usage as u on u.tenant_id = t.tenant_id
   order by coalesce(u.events, 0) desc, t.tenant_id
$$;
comment on function sealog_admin.usage_summary(timestamptz, timestamptz) is 'Every tenant''s events, errors, tokens, cost and last event time over [p_from, p_to), busiest first: the operators'' cross-tenant usage summary (deno task usage).';
revoke all on function sealog_admin.usage_summary(timestamptz, timestamptz) from public, anon, authenticated, service_role;
