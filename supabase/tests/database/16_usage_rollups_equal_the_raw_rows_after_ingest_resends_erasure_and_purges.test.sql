-- The usage rollups, with the deltas not folded yet, always equal the raw telemetry rows: per
-- tenant, level (15 minutes, 1 hour, 6 hours, 1 day), bucket, model, provider, agent and status
-- (and per risk tag), and summed over agents and statuses, every figure and every latency-histogram bin. Checked after inserts, a fold, a resend of the same events,
-- an end user's erasure, and the telemetry purge with a tenant's shorter retention, frozen at a
-- p_now whose 90-day cutoff is a UTC midnight (whole-day drops and bucket deletes agree there).
begin;
select plan(19);

-- pg_cron's fold runs every minute on this database (after the Deno tests' ingest, for
-- seconds); a purge gives way to a lock it cannot get in time and leaves the day to its next
-- run. Taken here, first, so that this test's purges finish: purge_locks_test is the one about
-- giving way.
lock table sealog.llm_request_logs, sealog.usage_deltas, sealog.usage_rollups, sealog.usage_risk_rollups
  in access exclusive mode;

select sealog_admin.create_tenant('rollups a') as a \gset
select sealog_admin.create_tenant('rollups b') as b \gset
select (date_trunc('day', now() at time zone 'utc') at time zone 'utc') + interval '2 days' as purge_now \gset

-- 3000 events per tenant over the last 91 days, in every combination of the rollup keys; the
-- last 240 of them in the 15-minute buckets that the reads' ranges cut (80 in each: 88 days ago,
-- an hour ago, and now's, partly ahead of now), so that the ragged edges hold many events.
create temporary table seeded on commit drop as
select t.tenant_id,
       case when g <= 2760 then now() - random() * interval '91 days'
            else date_bin('15 minutes', now() - (array[interval '88 days', interval '1 hour', interval '0'])[1 + g % 3],
                          timestamptz '2000-01-01 00:00+00')
                 + random() * interval '15 minutes' end as occurred_at,
       gen_random_uuid() as event_id,
       'model-' || (g % 3) as model,
       case when g % 4 = 0 then null else 'provider-' || (g % 2) end as provider,
       case when g % 5 = 0 then null else 'agent-' || (g % 2) end as agent_id,
       case when g % 7 = 0 then null when g % 3 = 0 then 'error' else 'ok' end as status,
       (random() * 5000)::bigint as input_tokens,
       (random() * 900)::bigint as output_tokens,
       case when g % 2 = 0 then (random() * 100)::bigint end as cache_read_input_tokens,
       case when g % 3 = 0 then (random() * 100)::bigint end as cache_creation_input_tokens,
       case when g % 4 = 0 then (random() * 100)::bigint end as reasoning_tokens,
       case when g % 6 <> 0 then (random() * 20000)::bigint end as cost_micro_usd,
       case when g % 9 <> 0 then (random() ^ 3 * 60000)::bigint end as latency_ms,
       case g % 4 when 0 then array['PII_EMAIL', 'SECRET_JWT'] when 1 then array['ACME_X'] when 2 then array['PII_PHONE'] end::sealog.risk_tag[] as risk_tags,
       case when g % 10 = 0 then 'end-user-erased' else 'end-user-' || (g % 50) end as end_user_id
  from generate_series(1, 3000) as g
 cross join (values (:'a'::uuid), (:'b'::uuid)) as t(tenant_id);

-- Differences between the raw rows and the rollups plus unfolded deltas at every level, as rows;
-- none when equal. Without p_detailed, the rollups summed over agents and statuses against the
-- raw rows grouped without them.
create function pg_temp.differences(p_by_risk boolean, p_detailed boolean)
returns table (side text, span_minutes integer, tenant_id uuid, bucket timestamptz, model text, provider text, agent_id text, status text,
               risk_tag text, bin text, events numeric, errors numeric, input_tokens numeric, output_tokens numeric,
               cache_read numeric, cache_creation numeric, reasoning numeric, cost numeric, pii numeric)
language sql
as $$
  with raw as (
    select l.span_minutes, e.tenant_id,
           date_bin(make_interval(mins => l.span_minutes), e.occurred_at, timestamptz '2000-01-01 00:00+00') as bucket,
           e.model::text, e.provider::text, case when p_detailed then e.agent_id::text end as agent_id,
           case when p_detailed then e.status end as status, e.status as event_status, k.risk_tag, e.latency_ms, e.input_tokens,
           e.output_tokens, e.cache_read_input_tokens, e.cache_creation_input_tokens, e.reasoning_tokens,
           e.cost_micro_usd, e.risk_tags
      from sealog.llm_request_logs as e
     cross join lateral unnest(case when not p_by_risk then array[null::text]
                                    when cardinality(e.risk_tags) > 0 then e.risk_tags::text[]
                                    else array[''] end) as k(risk_tag)
     cross join unnest(sealog.usage_levels()) as l(span_minutes)
     where e.tenant_id = any (array(select distinct s.tenant_id from seeded as s))
  ),
  raw_figures as (
    select r.span_minutes, r.tenant_id, r.bucket, r.model, r.provider, r.agent_id, r.status, r.risk_tag, null::text as bin,
           count(*)::numeric, (count(*) filter (where r.event_status = 'error'))::numeric, sum(r.input_tokens)::numeric,
           sum(r.output_tokens)::numeric, coalesce(sum(r.cache_read_input_tokens), 0)::numeric,
           coalesce(sum(r.cache_creation_input_tokens), 0)::numeric, coalesce(sum(r.reasoning_tokens), 0)::numeric,
           coalesce(sum(r.cost_micro_usd), 0)::numeric,
           (count(*) filter (where exists (select from unnest(r.risk_tags::text[]) as t(tag)
                                            where t.tag like 'PII\_%' or t.tag like 'SECRET\_%')))::numeric
      from raw as r
     group by 1, 2, 3, 4, 5, 6, 7, 8
    union all
    select r.span_minutes, r.tenant_id, r.bucket, r.model, r.provider, r.agent_id, r.status, r.risk_tag,
           sealog.latency_bin(r.latency_ms)::text, count(*), null, null, null, null, null, null, null, null
      from raw as r
     where r.latency_ms is not null
     group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  ),
  rolled as (
    select u.span_minutes, u.tenant_id, u.bucket, u.model, u.provider, u.agent_id, u.status, null::text as risk_tag, u.events, u.errors,
           u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens,
           u.reasoning_tokens, u.cost_micro_usd, u.pii_or_secret_events, u.latency_bins
      from sealog.usage_rollups as u
     where not p_by_risk and u.detailed = p_detailed
    union all
    select u.span_minutes, u.tenant_id, u.bucket, u.model, u.provider, u.agent_id, u.status, u.risk_tag, u.events, u.errors,
           u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens,
           u.reasoning_tokens, u.cost_micro_usd, u.pii_or_secret_events, u.latency_bins
      from sealog.usage_risk_rollups as u
     where p_by_risk and u.detailed = p_detailed
    union all
    select l.span_minutes, d.tenant_id,
           date_bin(make_interval(mins => l.span_minutes), d.bucket, timestamptz '2000-01-01 00:00+00'),
           d.model, d.provider, case when p_detailed then d.agent_id end, case when p_detailed then d.status end,
           d.risk_tag, d.events, d.errors,
           d.input_tokens, d.output_tokens, d.cache_read_input_tokens, d.cache_creation_input_tokens,
           d.reasoning_tokens, d.cost_micro_usd, d.pii_or_secret_events, d.latency_bins
      from sealog.usage_deltas as d
     cross join unnest(sealog.usage_levels()) as l(span_minutes)
     where (d.risk_tag is not null) = p_by_risk
  ),
  rolled_figures as (
    select r.span_minutes, r.tenant_id, r.bucket, r.model, r.provider, r.agent_id, r.status, r.risk_tag, null::text as bin,
           sum(r.events), sum(r.errors), sum(r.input_tokens), sum(r.output_tokens), sum(r.cache_read_input_tokens),
           sum(r.cache_creation_input_tokens), sum(r.reasoning_tokens), sum(r.cost_micro_usd),
           sum(r.pii_or_secret_events)
      from rolled as r
     where r.tenant_id = any (array(select distinct s.tenant_id from seeded as s))
     group by 1, 2, 3, 4, 5, 6, 7, 8
    having sum(r.events) <> 0
    union all
    select r.span_minutes, r.tenant_id, r.bucket, r.model, r.provider, r.agent_id, r.status, r.risk_tag, b.key,
           sum(b.value::bigint), null, null, null, null, null, null, null, null
      from rolled as r, jsonb_each_text(r.latency_bins) as b
     where r.tenant_id = any (array(select distinct s.tenant_id from seeded as s))
     group by 1, 2, 3, 4, 5, 6, 7, 8, 9
    having sum(b.value::bigint) <> 0
  )
  (select 'raw only', * from raw_figures except select 'raw only', * from rolled_figures)
  union all
  (select 'rollups only', * from rolled_figures except select 'rollups only', * from raw_figures)
$$;

-- Both rollups, detailed and summed over agents and statuses, each difference as its text.
create function pg_temp.all_differences()
returns setof text
language sql
as $$
  select format('by_risk=%s detailed=%s %s', b.by_risk, d.detailed, r)
    from (values (false), (true)) as b(by_risk), (values (false), (true)) as d(detailed),
         pg_temp.differences(b.by_risk, d.detailed) as r
$$;

-- Differences between a read's series (sealog.usage_parts, by granularity in a zone, over a
-- range off the 15-minute bounds, so with a partial first and last bucket: each edge read from
-- its raw rows, or whole minus the rest of its bucket, as the range gives) and the raw rows
-- grouped the same way: events, cost and latency bins per series bucket; none when the read's
-- signed blocks add up to each bucket exactly.
create function pg_temp.read_differences(p_granularity text, p_zone text, p_detailed boolean,
                                          p_from timestamptz, p_to timestamptz)
returns table (side text, bucket timestamptz, bin text, n numeric)
language sql
as $$
  with range as (
    select p_from as from_at, p_to as to_at
  ),
  -- A head shared by two buckets counts again, negated, in also_at's.
  parts as (
    select date_trunc(p_granularity, v.at, p_zone) as bucket, v.factor * p.events as events,
           v.factor * p.cost_micro_usd as cost_micro_usd, p.latency_pairs, v.factor * p.latency_sign as latency_sign
      from range, sealog.usage_parts(array(select distinct s.tenant_id from seeded as s), range.from_at, range.to_at,
                                     false, p_granularity, p_zone, p_detailed) as p
     cross join lateral (values (p.at, 1), (p.also_at, -1)) as v(at, factor)
     where v.at is not null
  ),
  read_figures as (
    select p.bucket, 'events' as bin, sum(p.events) as n from parts as p group by 1
    having sum(p.events) <> 0
    union all
    select p.bucket, 'cost', sum(p.cost_micro_usd) from parts as p group by 1 having sum(p.events) <> 0
    union all
    -- latency_pairs: "bin,count,bin,count,...".
    select p.bucket, b.pair[1], sum(p.latency_sign * b.pair[2]::bigint)
      from parts as p,
           regexp_matches(p.latency_pairs, '(\d+),(-?\d+)', 'g') as b(pair)
     group by 1, 2 having sum(p.latency_sign * b.pair[2]::bigint) <> 0
  ),
  raw as (
    select date_trunc(p_granularity, e.occurred_at, p_zone) as bucket, e.cost_micro_usd, e.latency_ms
      from range, sealog.llm_request_logs as e
     where e.tenant_id = any (array(select distinct s.tenant_id from seeded as s))
       and e.occurred_at >= range.from_at and e.occurred_at < range.to_at
  ),
  raw_figures as (
    select r.bucket, 'events' as bin, count(*)::numeric as n from raw as r group by 1
    union all
    select r.bucket, 'cost', coalesce(sum(r.cost_micro_usd), 0)::numeric from raw as r group by 1
    union all
    select r.bucket, sealog.latency_bin(r.latency_ms)::text, count(*)::numeric from raw as r
     where r.latency_ms is not null group by 1, 2
  )
  (select 'raw only', * from raw_figures except select 'raw only', * from read_figures)
  union all
  (select 'read only', * from read_figures except select 'read only', * from raw_figures)
$$;

-- Every zoned variant of a read: zones whose day is many blocks of the UTC levels, offset by 30
-- minutes (Asia/Kolkata), by 45 (Asia/Kathmandu), changing offset by an hour inside the 88 days
-- (America/New_York, 2026-11-01) or by 30 minutes (Australia/Lord_Howe, 2026-10-04).
create function pg_temp.zoned_read_differences()
returns table (granularity text, zone text, detailed boolean, side text, bucket timestamptz, bin text, n numeric)
language sql
as $$
  select z.granularity, z.zone, d.detailed, r.*
    from (values ('day', 'UTC'), ('day', 'America/New_York'), ('day', 'Asia/Kolkata'),
                 ('day', 'Asia/Kathmandu'), ('day', 'Australia/Lord_Howe'), ('hour', 'America/New_York'),
                 ('hour', 'Asia/Kolkata'), ('hour', 'Asia/Kathmandu'), ('hour', 'Australia/Lord_Howe'))
         as z(granularity, zone),
         (values (false), (true)) as d(detailed),
         -- Edges from the raw rows (4 minutes each), edges whole minus the rest of their bucket
         -- (11 minutes each), and a range that ends now (its last bucket whole).
         (select date_bin('15 minutes', now() - interval '88 days', timestamptz '2000-01-01 00:00+00') as first,
                 date_bin('15 minutes', now() - interval '1 hour', timestamptz '2000-01-01 00:00+00') as last) as b,
         lateral (values (b.first + interval '11 minutes', b.last + interval '4 minutes'),
                         (b.first + interval '4 minutes', b.last + interval '11 minutes'),
                         (b.first + interval '11 minutes', now())) as g(from_at, to_at),
         pg_temp.read_differences(z.granularity, z.zone, d.detailed, g.from_at, g.to_at) as r
$$;

/** Section - Ingest, fold, resend */

insert into sealog.llm_request_logs (
  tenant_id, occurred_at, event_id, session_id, model, provider, input_tokens, output_tokens,
  cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, latency_ms, cost_micro_usd,
  status, risk_tags, end_user_id, agent_id)
select tenant_id, occurred_at, event_id, 'rollups', model, provider, input_tokens, output_tokens,
       cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, latency_ms, cost_micro_usd,
       status, risk_tags, end_user_id, agent_id
  from seeded;

select is_empty($$select * from pg_temp.differences(false, true)$$, 'after an insert, the deltas equal the raw rows');
select is_empty($$select * from pg_temp.differences(true, true)$$, 'and so do the per-tag deltas');

select ok(sealog.fold_usage_deltas() > 0, 'the fold takes the deltas');
select is_empty($$select * from pg_temp.all_differences()$$,
  'after the fold, the rollups equal the raw rows at every level');
select is((select array_agg(distinct span_minutes order by span_minutes)
             from sealog.usage_rollups where tenant_id in (:'a', :'b')),
  array[15, 60, 360, 1440], 'the fold writes every level');
select is((select array_agg(distinct detailed order by detailed)
             from sealog.usage_rollups where tenant_id in (:'a', :'b')),
  array[false, true], 'and every level both per agent and status and summed over them');
select is_empty($$select * from pg_temp.zoned_read_differences()$$,
  'a read''s day and hour series, in UTC and in zones offset by 30 and 45 minutes or changing offset inside the range, detailed or not, equal the raw rows');

-- A resend, as ingest stores it: the primary key drops every row, and no delta is appended.
insert into sealog.llm_request_logs (tenant_id, occurred_at, event_id, session_id, model, input_tokens, output_tokens)
select tenant_id, occurred_at, event_id, 'rollups', model, 999999, 999999 from seeded
on conflict do nothing;
select is((select count(*)::int from sealog.usage_deltas where tenant_id in (:'a', :'b')), 0,
  'a resend of stored events appends no delta');

/** Section - Erasure */

select is((select r.status
             from sealog.request_erasure('tenant', :'a', 'end_user', sha256(convert_to('end-user-erased', 'utf8')), null, null,
                                         'end-user-erased', '{}', interval '0') as r),
  'completed', 'an end user of tenant a is erased');
select is_empty($$select * from pg_temp.all_differences()$$,
  'after the erasure (the end user''s rows deleted), the rollups equal the raw rows');
select is_empty($$select * from pg_temp.zoned_read_differences()$$,
  'and zoned reads, whose signed blocks'' edges hold deleted events as negative deltas not folded yet, equal the raw rows');
select ok(sealog.fold_usage_deltas() > 0, 'the fold takes the erasure''s negative deltas');
select is_empty($$select * from pg_temp.zoned_read_differences()$$,
  'and once they are folded, zoned reads still equal the raw rows');
select is((select count(*)::int
             from (select r.latency_bins, r.latency_pairs from sealog.usage_rollups as r
                   union all select k.latency_bins, k.latency_pairs from sealog.usage_risk_rollups as k) as h
            where h.latency_bins is distinct from
                  (select coalesce(jsonb_object_agg(m.pair[1], m.pair[2]::bigint), '{}')
                     from regexp_matches(h.latency_pairs, '(\d+),(-?\d+)', 'g') as m(pair))),
  0, 'every rollup''s latency_pairs, which reads send, holds exactly its latency_bins');

/** Section - Purges */

select sealog_admin.set_retention_override(:'b', 'telemetry', interval '30 days');
select is(sealog.purge_telemetry(:'purge_now')->>'complete', 'true', 'the telemetry purge completes');
-- The rollups' expired buckets go in their own pg_cron job (sealog-purge-usage-rollups).
select is(sealog.purge_usage_rollups(:'purge_now')->>'complete', 'true', 'and so does the rollups'' purge');
select is_empty($$select * from pg_temp.all_differences()$$,
  'after the purge (whole days for everyone, row deletes for the shorter retention), the rollups equal the raw rows');
select is((select count(*)::int
             from (select bucket, tenant_id from sealog.usage_rollups
                   union all select bucket, tenant_id from sealog.usage_risk_rollups
                   union all select bucket, tenant_id from sealog.usage_deltas) as u
            where u.tenant_id in (:'a', :'b')
              and u.bucket < sealog.retention_cutoff('telemetry', :'purge_now', u.tenant_id)),
  0, 'no rollup or delta is left before either tenant''s cutoff');

select sealog.fold_usage_deltas();
select is_empty($$select * from pg_temp.all_differences()$$,
  'and the purge''s negative deltas fold into the rollups exactly');

select * from finish();
rollback;
