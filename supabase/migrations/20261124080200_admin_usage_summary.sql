/**
 * The operators' cross-tenant usage summary (deno task usage): one row per tenant over a time
 * range, counts and sums only. In sealog_admin, executable by the migration owner (postgres)
 * alone, like every operator function; no tenant key can reach it.
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
  select t.tenant_id, t.name::text,
         count(e.event_id),
         count(e.event_id) filter (where e.status = 'error'),
         coalesce(sum(e.input_tokens), 0),
         coalesce(sum(e.output_tokens), 0),
         coalesce(sum(e.cost_micro_usd), 0),
         max(e.occurred_at)
    from sealog.tenants as t
    left join sealog.llm_request_logs as e
      on e.tenant_id = t.tenant_id
     and e.occurred_at >= p_from
     and e.occurred_at < p_to
   group by t.tenant_id, t.name
   order by count(e.event_id) desc, t.tenant_id
$$;
comment on function sealog_admin.usage_summary(timestamptz, timestamptz) is 'Every tenant''s events, errors, tokens, cost and last event time over [p_from, p_to), busiest first: the operators'' cross-tenant usage summary (deno task usage).';
revoke all on function sealog_admin.usage_summary(timestamptz, timestamptz) from public, anon, authenticated, service_role;
