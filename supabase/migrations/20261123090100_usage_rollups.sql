/**
 * Usage rollups: telemetry pre-aggregated into 15-minute buckets, so that usage over 90 days
 * reads a few thousand rows instead of millions, exactly (docs/tenant-reads.md, "Rollups").
 *
 * Three tables:
 * - usage_deltas: appended by a statement trigger on llm_request_logs, a few rows per
 *   statement, counting exactly the rows the statement inserted (+) or deleted (-). Ingest's
 *   `on conflict do nothing` hands the trigger only the fresh rows, so a resend counts once.
 *   An insert, never an upsert: concurrent ingests of one tenant share no row and no lock.
 * - usage_rollups: every event, by (tenant, bucket, model, provider, agent_id, status).
 * - usage_risk_rollups: the same per risk tag (an event once under each of its tags, an
 *   untagged one under ''), for usage grouped by risk_tag.
 * Both rollups hold every bucket twice: per agent and status (detailed), and summed over them
 * (agent_id and status null), which a read grouped by neither takes: 5 rows per day for the
 * bench's 5 models where the detailed rows are 70 (5 models x 7 agents x 2 statuses).
 * pg_cron folds the deltas into the rollups every minute; a read adds the deltas not folded yet
 * (sealog.usage_parts), so usage is exact at once and the rollup tables lag at most a minute.
 *
 * The fold keeps each rollup at four levels, UTC-aligned blocks of 15 minutes, 1 hour, 6 hours
 * and 1 day (span_minutes, sealog.usage_levels), so that a read covers each hour or day of its
 * series by few blocks, added or subtracted (a local day is its UTC day minus one head plus the
 * next, each head read once for the two days it bounds): a UTC day is one row per key, a New
 * York day 3, a Kolkata day 4, where whole blocks alone need 9 and 12, and the 15-minute level 96.
 *
 * 15 minutes, because every time zone's offset today is a multiple of 15 minutes (Asia/Kolkata
 * +05:30, Asia/Kathmandu +05:45): a bucket never straddles a local hour or day, so hours and
 * days are exact in any zone. Latency is kept as a histogram of log bins (ratio 1.05) that
 * merges by addition: percentiles from it are within 2.5% (the bin's value and the percentiles
 * are read in the tenant function, supabase/functions/tenant/latency.ts).
 *
 * Nothing here identifies a person: no end-user id, no session id. Raw rows that erasure
 * anonymises keep their figures, so the rollups need no change then; deleted raw rows
 * (tenants' shorter retention) write negative deltas; blocks past retention go with
 * sealog.purge_usage_rollups (its own pg_cron job; the telemetry purge calls it for the deltas):
 * both rollups are partitioned by the UTC day of their bucket (every level's block lies inside
 * one UTC day), so whole expired days are detached and dropped, not deleted row by row.
 */

/** Section - Latency histogram */

create function sealog.latency_bin(p_latency_ms bigint)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- Bin 0 holds 0 ms; bin k >= 1 holds [1.05^(k-1), 1.05^k) ms.
  select case when p_latency_ms is null then null
              when p_latency_ms <= 0 then 0
              else 1 + floor(ln(p_latency_ms::double precision) / ln(1.05))::integer end
$$;
comment on function sealog.latency_bin(bigint) is 'The latency histogram bin of a latency in ms: 0 for 0 ms, k >= 1 for [1.05^(k-1), 1.05^k) ms (valued by supabase/functions/tenant/latency.ts).';

create function sealog.histogram_sum(p_histograms jsonb[])
returns jsonb
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- {"bin": count, ...} maps add bin by bin; bins that reach 0 (negative deltas) are dropped.
  select coalesce(jsonb_object_agg(h.bin, h.n), '{}')
    from (select b.key as bin, sum(b.value::bigint) as n
            from unnest(p_histograms) as l(bins), jsonb_each_text(l.bins) as b
           group by b.key) as h
   where h.n <> 0
$$;
comment on function sealog.histogram_sum(jsonb[]) is 'Adds latency histograms ({"bin": count}), dropping bins whose count becomes 0.';

create function sealog.histogram_pairs(p_histogram jsonb)
returns text
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
begin
  -- Its jsonb text ({"12": 345, "13": 400}: digit keys, integer counts) without the quotes,
  -- spaces and braces: "12,345,13,400". Printed once per fold, not per read (performance.md).
  return replace(replace(replace(replace(replace(p_histogram::text, '"', ''), ' ', ''), ':', ','), '{', ''), '}', '');
end
$$;
comment on function sealog.histogram_pairs(jsonb) is 'A latency histogram ({"bin": count}) as the text "bin,count,bin,count,...", the form get_usage sends (empty for none).';

/** Section - Levels */

create function sealog.usage_levels()
returns integer[]
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- Largest first, each a multiple of the next, all dividing a UTC day.
  select array[1440, 360, 60, 15]
$$;
comment on function sealog.usage_levels() is 'The rollup levels, in minutes, largest first: UTC-aligned blocks of 1 day, 6 hours, 1 hour and 15 minutes.';

/** Section - Tables */

create table sealog.usage_deltas (
  delta_id bigint generated always as identity primary key,
  tenant_id uuid not null,
  bucket timestamptz not null,
  model text not null,
  provider text,
  agent_id text,
  status text,
  risk_tag text,
  events bigint not null,
  errors bigint not null,
  input_tokens numeric not null,
  output_tokens numeric not null,
  cache_read_input_tokens numeric not null,
  cache_creation_input_tokens numeric not null,
  reasoning_tokens numeric not null,
  cost_micro_usd numeric not null,
  pii_or_secret_events bigint not null,
  latency_bins jsonb not null
);
-- Reads add the unfolded deltas of one tenant's range.
create index usage_deltas_tenant_id_bucket_idx on sealog.usage_deltas (tenant_id, bucket);
comment on index sealog.usage_deltas_tenant_id_bucket_idx is 'Serves reads that add one tenant''s unfolded deltas over a range.';

create table sealog.usage_rollups (
  tenant_id uuid not null,
  span_minutes integer not null check (span_minutes = any (sealog.usage_levels())),
  detailed boolean not null,
  bucket timestamptz not null,
  model text not null,
  provider text,
  agent_id text,
  status text,
  events bigint not null,
  errors bigint not null,
  input_tokens numeric not null,
  output_tokens numeric not null,
  cache_read_input_tokens numeric not null,
  cache_creation_input_tokens numeric not null,
  reasoning_tokens numeric not null,
  cost_micro_usd numeric not null,
  pii_or_secret_events bigint not null,
  latency_bins jsonb not null,
  latency_pairs text not null generated always as (sealog.histogram_pairs(latency_bins)) stored,
  constraint usage_rollups_key unique nulls not distinct (tenant_id, span_minutes, detailed, bucket, model, provider, agent_id, status),
  constraint usage_rollups_summed_over_agents check (detailed or (agent_id is null and status is null)),
  constraint usage_rollups_bucket_aligned check (bucket = date_bin(make_interval(mins => span_minutes), bucket, timestamptz '2000-01-01 00:00+00'))
) partition by range (bucket);

create table sealog.usage_risk_rollups (
  tenant_id uuid not null,
  span_minutes integer not null check (span_minutes = any (sealog.usage_levels())),
  detailed boolean not null,
  bucket timestamptz not null,
  model text not null,
  provider text,
  agent_id text,
  status text,
  risk_tag text not null check (risk_tag = '' or risk_tag ~ '^[A-Z][A-Z0-9_]{1,63}$'),
  events bigint not null,
  errors bigint not null,
  input_tokens numeric not null,
  output_tokens numeric not null,
  cache_read_input_tokens numeric not null,
  cache_creation_input_tokens numeric not null,
  reasoning_tokens numeric not null,
  cost_micro_usd numeric not null,
  pii_or_secret_events bigint not null,
  latency_bins jsonb not null,
  latency_pairs text not null generated always as (sealog.histogram_pairs(latency_bins)) stored,
  constraint usage_risk_rollups_key unique nulls not distinct (tenant_id, span_minutes, detailed, bucket, risk_tag, model, provider, agent_id, status),
  constraint usage_risk_rollups_summed_over_agents check (detailed or (agent_id is null and status is null)),
  constraint usage_risk_rollups_bucket_aligned check (bucket = date_bin(make_interval(mins => span_minutes), bucket, timestamptz '2000-01-01 00:00+00'))
) partition by range (bucket);

comment on table sealog.usage_deltas is 'INTERNAL; pii=none; retention=telemetry. Changes to the usage rollups not folded yet: appended per telemetry insert (+) or delete (-), folded every minute.';
comment on table sealog.usage_rollups is 'INTERNAL; pii=none; retention=telemetry. Usage per tenant, level (15 minutes to 1 day), bucket, model, provider, and agent and status (detailed) or not: counts, sums and a latency histogram; no end-user or session id.';
comment on table sealog.usage_risk_rollups is 'INTERNAL; pii=none; retention=telemetry. usage_rollups per risk tag as well (an event under each of its tags, untagged ones under ''''), for usage grouped by risk tag.';

-- Both rollups are partitioned by the day of their bucket (UTC), like telemetry: every level's
-- block lies inside one UTC day, so a day's partition holds whole blocks and an expired day is
-- dropped whole (sealog.purge_usage_rollups). The default partition and the first days here, once
-- the tables' classification (which each partition repeats) is set;
-- sealog.maintain_partitions() keeps them 7 days ahead. The deltas are not partitioned: the fold
-- empties them every minute.
select sealog.create_day_partitions(t, now(), 7, 90)
  from unnest(array['sealog.usage_rollups', 'sealog.usage_risk_rollups']::regclass[]) as t;

do $$
declare
  v_table text;
begin
  -- The three tables share their figures; each column is described once here.
  foreach v_table in array array['usage_deltas', 'usage_rollups', 'usage_risk_rollups'] loop
    execute format($c$
      comment on column sealog.%1$I.tenant_id is 'INTERNAL; pii=none; retention=telemetry. Tenant of the events.';
      comment on column sealog.%1$I.bucket is 'INTERNAL; pii=none; retention=telemetry. Start of the events'' bucket, UTC-aligned: 15 minutes long in the deltas, span_minutes in the rollups.';
      comment on column sealog.%1$I.model is 'INTERNAL; pii=none; retention=telemetry. gen_ai.request.model of the events.';
      comment on column sealog.%1$I.provider is 'INTERNAL; pii=none; retention=telemetry. gen_ai.provider.name of the events.';
      comment on column sealog.%1$I.agent_id is 'INTERNAL; pii=none; retention=telemetry. gen_ai.agent.id of the events.';
      comment on column sealog.%1$I.status is 'INTERNAL; pii=none; retention=telemetry. ok or error.';
      comment on column sealog.%1$I.events is 'INTERNAL; pii=none; retention=telemetry. Number of events.';
      comment on column sealog.%1$I.errors is 'INTERNAL; pii=none; retention=telemetry. Events with status error.';
      comment on column sealog.%1$I.input_tokens is 'INTERNAL; pii=none; retention=telemetry. Sum of input tokens.';
      comment on column sealog.%1$I.output_tokens is 'INTERNAL; pii=none; retention=telemetry. Sum of output tokens.';
      comment on column sealog.%1$I.cache_read_input_tokens is 'INTERNAL; pii=none; retention=telemetry. Sum of cache-read input tokens.';
      comment on column sealog.%1$I.cache_creation_input_tokens is 'INTERNAL; pii=none; retention=telemetry. Sum of cache-creation input tokens.';
      comment on column sealog.%1$I.reasoning_tokens is 'INTERNAL; pii=none; retention=telemetry. Sum of reasoning tokens.';
      comment on column sealog.%1$I.cost_micro_usd is 'INTERNAL; pii=none; retention=telemetry. Sum of cost in millionths of a US dollar.';
      comment on column sealog.%1$I.pii_or_secret_events is 'INTERNAL; pii=none; retention=telemetry. Events carrying any PII_ or SECRET_ risk tag.';
      comment on column sealog.%1$I.latency_bins is 'INTERNAL; pii=none; retention=telemetry. Latency histogram, {"bin": count} (sealog.latency_bin).';
    $c$, v_table);
  end loop;
end
$$;
comment on column sealog.usage_rollups.latency_pairs is 'INTERNAL; pii=none; retention=telemetry. latency_bins as "bin,count,..." (sealog.histogram_pairs), kept by PostgreSQL at each fold so that reads copy it.';
comment on column sealog.usage_risk_rollups.latency_pairs is 'INTERNAL; pii=none; retention=telemetry. latency_bins as "bin,count,..." (sealog.histogram_pairs), kept by PostgreSQL at each fold so that reads copy it.';
comment on column sealog.usage_rollups.span_minutes is 'INTERNAL; pii=none; retention=telemetry. The level: the bucket''s length in minutes (sealog.usage_levels).';
comment on column sealog.usage_risk_rollups.span_minutes is 'INTERNAL; pii=none; retention=telemetry. The level: the bucket''s length in minutes (sealog.usage_levels).';
comment on column sealog.usage_rollups.detailed is 'INTERNAL; pii=none; retention=telemetry. True: per agent_id and status; false: summed over them (both null), for reads grouped by neither.';
comment on column sealog.usage_risk_rollups.detailed is 'INTERNAL; pii=none; retention=telemetry. True: per agent_id and status; false: summed over them (both null), for reads grouped by neither.';
comment on column sealog.usage_deltas.delta_id is 'INTERNAL; pii=none; retention=telemetry. Row id of the delta.';
comment on column sealog.usage_deltas.risk_tag is 'CONFIDENTIAL; pii=none; retention=telemetry. Null: a delta of usage_rollups; otherwise of usage_risk_rollups for this tag ('''' for untagged events).';
comment on column sealog.usage_risk_rollups.risk_tag is 'CONFIDENTIAL; pii=none; retention=telemetry. Risk tag of the events, '''' for events without one.';

/** Section - Deltas from every write to the telemetry table */

create function sealog.append_usage_deltas()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_sign integer := case tg_op when 'INSERT' then 1 else -1 end;
begin
  -- One insert per statement: the changed rows grouped by rollup key and latency bin, then by
  -- key. Each event counts once in its usage_rollups delta (risk_tag null) and once under each
  -- of its tags ('' without one) in its usage_risk_rollups delta.
  insert into sealog.usage_deltas (
    tenant_id, bucket, model, provider, agent_id, status, risk_tag, events, errors, input_tokens,
    output_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens,
    cost_micro_usd, pii_or_secret_events, latency_bins
  )
  select b.tenant_id, b.bucket, b.model, b.provider, b.agent_id, b.status, b.risk_tag,
         v_sign * sum(b.events), v_sign * sum(b.errors), v_sign * sum(b.input_tokens),
         v_sign * sum(b.output_tokens), v_sign * sum(b.cache_read_input_tokens),
         v_sign * sum(b.cache_creation_input_tokens), v_sign * sum(b.reasoning_tokens),
         v_sign * sum(b.cost_micro_usd), v_sign * sum(b.pii_or_secret_events),
         coalesce(jsonb_object_agg(b.bin, v_sign * b.events) filter (where b.bin is not null), '{}')
    from (select c.tenant_id,
                 date_bin('15 minutes', c.occurred_at, timestamptz '2000-01-01 00:00+00') as bucket,
                 c.model::text as model, c.provider::text as provider, c.agent_id::text as agent_id,
                 c.status, k.risk_tag,
                 -- sealog.latency_bin, inlined: a call of a function with its own search_path
                 -- costs more than the whole insert on the ingest path. pgTAP 16 proves the two
                 -- equal (raw bins by the function, rollup bins from here).
                 case when c.latency_ms is null then null
                      when c.latency_ms <= 0 then 0
                      else 1 + floor(ln(c.latency_ms::double precision) / ln(1.05))::integer end as bin,
                 count(*) as events,
                 count(*) filter (where c.status = 'error') as errors,
                 sum(c.input_tokens) as input_tokens,
                 sum(c.output_tokens) as output_tokens,
                 coalesce(sum(c.cache_read_input_tokens), 0) as cache_read_input_tokens,
                 coalesce(sum(c.cache_creation_input_tokens), 0) as cache_creation_input_tokens,
                 coalesce(sum(c.reasoning_tokens), 0) as reasoning_tokens,
                 coalesce(sum(c.cost_micro_usd), 0) as cost_micro_usd,
                 count(*) filter (where exists (select from unnest(c.risk_tags::text[]) as t(tag)
                                                 where t.tag like 'PII\_%' or t.tag like 'SECRET\_%')) as pii_or_secret_events
            from changed as c
           cross join lateral (
             select null::text as risk_tag
             union all
             select tag from unnest(case when cardinality(c.risk_tags) > 0 then c.risk_tags::text[]
                                         else array[''] end) as tag) as k
           group by 1, 2, 3, 4, 5, 6, 7, 8) as b
   group by b.tenant_id, b.bucket, b.model, b.provider, b.agent_id, b.status, b.risk_tag;
  return null;
end
$$;
comment on function sealog.append_usage_deltas() is 'Statement trigger on llm_request_logs: appends the usage deltas of the rows a statement inserted or deleted, one insert per statement.';

-- Statement triggers on the parent see every row routed to a partition; writes that go to a
-- partition directly (partition maintenance moving rows out of the default) change no usage.
create trigger llm_request_logs_usage_after_insert
  after insert on sealog.llm_request_logs
  referencing new table as changed
  for each statement execute function sealog.append_usage_deltas();
create trigger llm_request_logs_usage_after_delete
  after delete on sealog.llm_request_logs
  referencing old table as changed
  for each statement execute function sealog.append_usage_deltas();

/** Section - Folding the deltas into the rollups */

create function sealog.fold_usage_deltas()
returns bigint
language sql
security definer
set search_path = ''
as $$
  -- Takes every committed delta (a concurrent fold skips the rows this one deleted), merges
  -- them per key and level and adds them to the rollups in key order, so two folds never
  -- deadlock. Every level, detailed and summed over agents and statuses, gets every delta in
  -- the same statement: they always agree.
  with folded as (
    delete from sealog.usage_deltas
    returning *
  ),
  merged as (
    select f.tenant_id, f.bucket, f.model, f.provider, f.agent_id, f.status, f.risk_tag,
           sum(f.events) as events, sum(f.errors) as errors, sum(f.input_tokens) as input_tokens,
           sum(f.output_tokens) as output_tokens,
           sum(f.cache_read_input_tokens) as cache_read_input_tokens,
           sum(f.cache_creation_input_tokens) as cache_creation_input_tokens,
           sum(f.reasoning_tokens) as reasoning_tokens, sum(f.cost_micro_usd) as cost_micro_usd,
           sum(f.pii_or_secret_events) as pii_or_secret_events,
           sealog.histogram_sum(array_agg(f.latency_bins)) as latency_bins
      from folded as f
     group by f.tenant_id, f.bucket, f.model, f.provider, f.agent_id, f.status, f.risk_tag
  ),
  leveled as (
    select m.tenant_id, l.span_minutes, d.detailed,
           date_bin(make_interval(mins => l.span_minutes), m.bucket, timestamptz '2000-01-01 00:00+00') as bucket,
           m.model, m.provider, case when d.detailed then m.agent_id end as agent_id,
           case when d.detailed then m.status end as status, m.risk_tag,
           sum(m.events) as events, sum(m.errors) as errors, sum(m.input_tokens) as input_tokens,
           sum(m.output_tokens) as output_tokens,
           sum(m.cache_read_input_tokens) as cache_read_input_tokens,
           sum(m.cache_creation_input_tokens) as cache_creation_input_tokens,
           sum(m.reasoning_tokens) as reasoning_tokens, sum(m.cost_micro_usd) as cost_micro_usd,
           sum(m.pii_or_secret_events) as pii_or_secret_events,
           case when count(*) = 1 then (array_agg(m.latency_bins))[1]
                else sealog.histogram_sum(array_agg(m.latency_bins)) end as latency_bins
      from merged as m
     cross join unnest(sealog.usage_levels()) as l(span_minutes)
     cross join (values (true), (false)) as d(detailed)
     group by 1, 2, 3, 4, 5, 6, 7, 8, 9
  ),
  all_events as (
    insert into sealog.usage_rollups as r (
      tenant_id, span_minutes, detailed, bucket, model, provider, agent_id, status, events, errors, input_tokens,
      output_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens,
      cost_micro_usd, pii_or_secret_events, latency_bins
    )
    select m.tenant_id, m.span_minutes, m.detailed, m.bucket, m.model, m.provider, m.agent_id, m.status, m.events,
           m.errors, m.input_tokens, m.output_tokens, m.cache_read_input_tokens,
           m.cache_creation_input_tokens, m.reasoning_tokens, m.cost_micro_usd,
           m.pii_or_secret_events, m.latency_bins
      from leveled as m
     where m.risk_tag is null
     order by m.tenant_id, m.span_minutes, m.detailed, m.bucket, m.model, m.provider, m.agent_id, m.status
    on conflict on constraint usage_rollups_key do update set
      events = r.events + excluded.events,
      errors = r.errors + excluded.errors,
      input_tokens = r.input_tokens + excluded.input_tokens,
      output_tokens = r.output_tokens + excluded.output_tokens,
      cache_read_input_tokens = r.cache_read_input_tokens + excluded.cache_read_input_tokens,
      cache_creation_input_tokens = r.cache_creation_input_tokens + excluded.cache_creation_input_tokens,
      reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
      cost_micro_usd = r.cost_micro_usd + excluded.cost_micro_usd,
      pii_or_secret_events = r.pii_or_secret_events + excluded.pii_or_secret_events,
      latency_bins = sealog.histogram_sum(array[r.latency_bins, excluded.latency_bins])
    returning 1
  ),
  by_risk as (
    insert into sealog.usage_risk_rollups as r (
      tenant_id, span_minutes, detailed, bucket, model, provider, agent_id, status, risk_tag, events, errors, input_tokens,
      output_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens,
      cost_micro_usd, pii_or_secret_events, latency_bins
    )
    select m.tenant_id, m.span_minutes, m.detailed, m.bucket, m.model, m.provider, m.agent_id, m.status,
           m.risk_tag, m.events, m.errors, m.input_tokens, m.output_tokens,
           m.cache_read_input_tokens, m.cache_creation_input_tokens, m.reasoning_tokens,
           m.cost_micro_usd, m.pii_or_secret_events, m.latency_bins
      from leveled as m
     where m.risk_tag is not null
     order by m.tenant_id, m.span_minutes, m.detailed, m.bucket, m.risk_tag, m.model, m.provider, m.agent_id, m.status
    on conflict on constraint usage_risk_rollups_key do update set
      events = r.events + excluded.events,
      errors = r.errors + excluded.errors,
      input_tokens = r.input_tokens + excluded.input_tokens,
      output_tokens = r.output_tokens + excluded.output_tokens,
      cache_read_input_tokens = r.cache_read_input_tokens + excluded.cache_read_input_tokens,
      cache_creation_input_tokens = r.cache_creation_input_tokens + excluded.cache_creation_input_tokens,
      reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
      cost_micro_usd = r.cost_micro_usd + excluded.cost_micro_usd,
      pii_or_secret_events = r.pii_or_secret_events + excluded.pii_or_secret_events,
      latency_bins = sealog.histogram_sum(array[r.latency_bins, excluded.latency_bins])
    returning 1
  )
  select count(*) from folded
$$;
comment on function sealog.fold_usage_deltas() is 'Folds every committed usage delta into every level, detailed and summed over agents and statuses, of usage_rollups and usage_risk_rollups (pg_cron, every minute); returns how many deltas it folded.';

/** Section - Reading: signed rollup blocks plus unfolded deltas plus raw edges */

create function sealog.usage_blocks(
  p_from integer, p_to integer, out spans integer[], out starts integer[]
)
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  v_levels integer[] := sealog.usage_levels();
  v_at integer := p_from;
  v_span integer;
begin
  spans := '{}';
  starts := '{}';
  -- In minutes from a UTC midnight, greedily, largest level first: a block is taken when it is
  -- aligned and inside the range.
  while v_at < p_to loop
    foreach v_span in array v_levels loop
      exit when v_span = 15 or (v_at % v_span = 0 and v_at + v_span <= p_to);
    end loop;
    spans := spans || v_span;
    starts := starts || v_at;
    v_at := v_at + v_span;
  end loop;
end
$$;
comment on function sealog.usage_blocks(integer, integer) is 'The fewest whole rollup blocks that tile [p_from, p_to), in minutes from a UTC midnight (multiples of 15, not negative), as parallel arrays of level and start.';

create function sealog.usage_signed_head(
  p_minutes integer, p_level integer, out spans integer[], out starts integer[], out signs integer[]
)
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  -- The levels up to p_level, smallest first: each a multiple of the one before.
  v_sizes integer[] := array(select l from unnest(sealog.usage_levels()) as l where l <= p_level order by l);
  v_best integer[];
  v_best_cost integer;
  v_digits integer[];
  v_cost integer;
  v_rest integer;
  v_radix integer;
  v_digit integer;
  v_at integer := 0;
begin
  spans := '{}';
  starts := '{}';
  signs := '{}';
  if p_minutes = 0 then return; end if;
  -- The head's length in signed digits, one per level (p_minutes / 15 = sum of digit x size / 15):
  -- each digit below p_level is its remainder, or that minus the radix (carried up: its blocks
  -- are then subtracted). Of the 2^k choices, the fewest blocks win: New York's [00:00, 05:00) is
  -- 6 h - 1 h, Kolkata's [00:00, 18:30) 1 day - 6 h + 2 x 15 min (a top block, the whole level:
  -- the caller then measures from the next day, minus [18:30, 24:00)).
  for v_choice in 0 .. (1 << (cardinality(v_sizes) - 1)) - 1 loop
    v_rest := p_minutes / 15;
    v_digits := '{}';
    v_cost := 0;
    for j in 1 .. cardinality(v_sizes) - 1 loop
      v_radix := v_sizes[j + 1] / v_sizes[j];
      v_digit := v_rest % v_radix;
      if v_digit > 0 and (v_choice >> (j - 1)) & 1 = 1 then v_digit := v_digit - v_radix; end if;
      v_digits := v_digits || v_digit;
      v_cost := v_cost + abs(v_digit);
      v_rest := (v_rest - v_digit) / v_radix;
    end loop;
    v_digits := v_digits || v_rest;
    v_cost := v_cost + v_rest;
    if v_best_cost is null or v_cost < v_best_cost then
      v_best := v_digits;
      v_best_cost := v_cost;
    end if;
  end loop;
  -- Walked from 0, largest level first: a positive digit steps forward over added blocks, a
  -- negative one back over subtracted ones; the walk ends at p_minutes, so the signed blocks add
  -- up to exactly [0, p_minutes). Every step stays aligned to its level.
  for j in reverse cardinality(v_sizes) .. 1 loop
    for k in 1 .. abs(v_best[j]) loop
      if v_best[j] < 0 then v_at := v_at - v_sizes[j]; end if;
      spans := spans || v_sizes[j];
      starts := starts || v_at;
      signs := signs || sign(v_best[j])::integer;
      if v_best[j] > 0 then v_at := v_at + v_sizes[j]; end if;
    end loop;
  end loop;
end
$$;
comment on function sealog.usage_signed_head(integer, integer) is 'The fewest signed rollup blocks (levels up to p_level, each +1 or -1) that add up to [0, p_minutes), in minutes from a p_level-aligned instant (p_minutes a multiple of 15 below p_level).';

create function sealog.usage_parts(
  p_tenant_ids uuid[], p_from timestamptz, p_to timestamptz, p_by_risk boolean,
  p_granularity text default null, p_zone text default 'UTC', p_detailed boolean default true
)
returns table (
  tenant_id uuid, at timestamptz, model text, provider text, agent_id text, status text,
  risk_tag text, events bigint, errors bigint, input_tokens numeric, output_tokens numeric,
  cache_read_input_tokens numeric, cache_creation_input_tokens numeric, reasoning_tokens numeric,
  cost_micro_usd numeric, pii_or_secret_events bigint, latency_pairs text, latency_sign integer,
  also_at timestamptz
)
language plpgsql
stable
set search_path = ''
-- A read of a few thousand rows, whose plan costs each probe of the day-partitioned rollups as
-- if against every day: past jit_above_cost, JIT compiled it for seconds on each new session.
set jit = off
as $$
declare
  -- The whole 15-minute buckets inside [p_from, p_to): [v_inner_from, v_inner_to), maybe empty.
  v_inner_from timestamptz := least(date_bin('15 minutes', p_from + interval '15 minutes' - interval '1 microsecond',
                                             timestamptz '2000-01-01 00:00+00'), p_to);
  v_inner_to timestamptz := greatest(date_bin('15 minutes', p_to, timestamptz '2000-01-01 00:00+00'), v_inner_from);
  -- Blocks are counted in minutes from the UTC midnight that starts the range.
  v_origin timestamptz := date_bin('1 day', v_inner_from, timestamptz '2000-01-01 00:00+00');
  -- Each ragged edge (under 15 minutes) is its raw rows, or its whole 15-minute bucket (a rollup
  -- block and the unfolded deltas) minus the raw rows of the rest of that bucket, whichever spans
  -- less time up to now: only events up to 5 minutes ahead (ingest's limit) lie after now, so a
  -- range that ends now (the API's default `to`, taken just before this call) takes its last
  -- bucket whole, and the raw rows a read scans do not grow with the tenant's traffic.
  v_head_bucket timestamptz := date_bin('15 minutes', p_from, timestamptz '2000-01-01 00:00+00');
  v_head_whole boolean := p_from < v_inner_from and v_inner_from = v_head_bucket + interval '15 minutes'
                          and v_inner_from - p_from > p_from - v_head_bucket;
  v_tail_whole boolean := v_inner_to < p_to
                          and p_to - v_inner_to > least(v_inner_to + interval '15 minutes', now()) - p_to;
  -- The raw rows of each edge, and the sign they count with.
  v_head_raw_from timestamptz := case when v_head_whole then v_head_bucket else p_from end;
  v_head_raw_to timestamptz := case when v_head_whole then p_from else v_inner_from end;
  v_head_sign integer := case when v_head_whole then -1 else 1 end;
  v_tail_raw_from timestamptz := case when v_tail_whole then p_to else v_inner_to end;
  v_tail_raw_to timestamptz := case when v_tail_whole then v_inner_to + interval '15 minutes' else p_to end;
  v_tail_sign integer := case when v_tail_whole then -1 else 1 end;
  -- The level a series bucket is measured from: a UTC hour for hours, a UTC day otherwise.
  v_level integer := case p_granularity when 'hour' then 60 else 1440 end;
  v_step interval := case p_granularity when 'hour' then interval '1 hour' else interval '1 day' end;
  v_bounds timestamptz[] := array[v_inner_from];
  v_bucket timestamptz;
  v_edge timestamptz;
  v_next timestamptz;
  v_minutes integer;
  v_floor integer;
  v_top integer;
  v_head record;
  v_head_minutes integer;
  -- Per bound: R(x) in minutes, and its head's blocks (flattened: first index and count).
  v_refs integer[] := '{}'::integer[];
  v_head_first integer[] := '{}'::integer[];
  v_head_costs integer[] := '{}'::integer[];
  v_head_spans integer[] := '{}'::integer[];
  v_head_starts integer[] := '{}'::integer[];
  v_head_signs integer[] := '{}'::integer[];
  v_levels integer[] := sealog.usage_levels();
  v_from integer;
  v_to integer;
  v_key integer[];
  v_fit integer;
  v_whole record;
  v_whole_key integer[];
  v_whole_base integer;
  v_middle record;
  v_middle_key integer[];
  v_middle_base integer;
  v_signed boolean[] := '{}'::boolean[];
  v_sign integer;
  v_shift integer;
  v_spans integer[] := '{}'::integer[];
  v_starts integer[] := '{}'::integer[];
  v_signs integer[] := '{}'::integer[];
  v_ats timestamptz[] := '{}'::timestamptz[];
  v_also_ats timestamptz[] := '{}'::timestamptz[];
begin
  -- The series buckets' bounds inside [v_inner_from, v_inner_to): where date_trunc(p_granularity,
  -- ·, p_zone) changes. The next local hour or day is checked against date_trunc itself, and
  -- found in 15-minute steps when the zone's rules move it (every offset is a multiple of 15
  -- minutes, so every bound is on a 15-minute bound). Without a granularity, one bucket.
  if p_granularity is not null and v_inner_from < v_inner_to then
    v_bucket := date_trunc(p_granularity, v_inner_from, p_zone);
    loop
      v_next := ((v_bucket at time zone p_zone) + v_step) at time zone p_zone;
      if not (v_next > v_bucket and date_trunc(p_granularity, v_next, p_zone) = v_next
              and date_trunc(p_granularity, v_next - interval '15 minutes', p_zone) = v_bucket) then
        v_next := v_bucket;
        loop
          v_next := v_next + interval '15 minutes';
          exit when date_trunc(p_granularity, v_next, p_zone) <> v_bucket;
        end loop;
      end if;
      exit when v_next >= v_inner_to;
      v_bounds := v_bounds || v_next;
      v_bucket := v_next;
    end loop;
  end if;
  v_bounds := v_bounds || v_inner_to;

  -- Each bucket [a, b) as its whole blocks or as signed ones. With R(x) the UTC midnight at the
  -- start of x's UTC day or the next (the UTC hour, for hours), [a, b) = [R(a), R(b)) - [R(a),
  -- a) + [R(b), b): counts are integers and histograms add binwise, so the difference is exact.
  -- The middle is whole days; each head [R(x), x) is a few signed blocks of the lower levels
  -- (sealog.usage_signed_head, the same for every bound at the same offset: computed once; its
  -- top block, the whole level, makes R(x) the next midnight). The head of a bound between two
  -- signed buckets is read once: in the bucket it ends, with also_at the first instant of the
  -- bucket it starts, where it counts again with the opposite sign. A New York day is then 3
  -- blocks instead of 9 whole ones, a Kolkata day 4 instead of 12. A bucket is signed when its
  -- middle and half its heads are fewer blocks than its whole ones.
  for i in 1 .. cardinality(v_bounds) loop
    v_minutes := (extract(epoch from v_bounds[i] - v_origin) / 60)::integer;
    v_floor := v_minutes - v_minutes % v_level;
    if v_head_minutes is distinct from v_minutes - v_floor then
      v_head_minutes := v_minutes - v_floor;
      v_head := sealog.usage_signed_head(v_head_minutes, v_level);
    end if;
    v_top := case when v_head.spans[1] = v_level then 1 else 0 end;
    v_refs := v_refs || (v_floor + v_top * v_level);
    v_head_first := v_head_first || (cardinality(v_head_spans) + 1);
    v_head_costs := v_head_costs || (cardinality(v_head.spans) - v_top);
    -- (Element by element: appending one element to an array variable is done in place.)
    for j in v_top + 1 .. cardinality(v_head.spans) loop
      v_head_spans := v_head_spans || v_head.spans[j];
      v_head_starts := v_head_starts || (v_floor + v_head.starts[j]);
      v_head_signs := v_head_signs || v_head.signs[j];
    end loop;
  end loop;
  -- Per bucket, its whole blocks and its middle, each as (start, length) relative to a key:
  -- the greedy tiling depends only on the start modulo the largest level that fits, so buckets
  -- of the same shape (every hour, every day but a change of offset) reuse the last one's.
  for i in 1 .. cardinality(v_bounds) - 1 loop
    v_from := (extract(epoch from v_bounds[i] - v_origin) / 60)::integer;
    v_to := (extract(epoch from v_bounds[i + 1] - v_origin) / 60)::integer;
    foreach v_fit in array v_levels loop exit when v_fit <= v_to - v_from; end loop;
    v_key := array[v_from % v_fit, v_to - v_from];
    if v_whole_key is distinct from v_key then
      v_whole_key := v_key;
      v_whole := sealog.usage_blocks(v_from, v_to);
      v_whole_base := v_from;
    end if;
    v_from := least(v_refs[i], v_refs[i + 1]);
    v_to := greatest(v_refs[i], v_refs[i + 1]);
    foreach v_fit in array v_levels loop exit when v_fit <= v_to - v_from; end loop;
    v_key := array[v_from % v_fit, v_to - v_from];
    if v_middle_key is distinct from v_key then
      v_middle_key := v_key;
      v_middle := sealog.usage_blocks(v_from, v_to);
      v_middle_base := v_from;
    end if;
    v_signed := v_signed || (v_head_costs[i] + v_head_costs[i + 1] > 0
                             and cardinality(v_middle.spans) + (v_head_costs[i] + v_head_costs[i + 1]) / 2.0
                                 < cardinality(v_whole.spans));
    -- The chosen one's blocks, moved to this bucket: whole, or the middle (subtracted when R(a)
    -- comes after R(b), a short bucket).
    if v_signed[i] then
      v_sign := case when v_refs[i] <= v_refs[i + 1] then 1 else -1 end;
      v_shift := v_from - v_middle_base;
      for j in 1 .. cardinality(v_middle.spans) loop
        v_spans := v_spans || v_middle.spans[j];
        v_starts := v_starts || (v_middle.starts[j] + v_shift);
        v_signs := v_signs || v_sign;
        v_ats := v_ats || v_bounds[i];
        v_also_ats := v_also_ats || null::timestamptz;
      end loop;
    else
      v_shift := (extract(epoch from v_bounds[i] - v_origin) / 60)::integer - v_whole_base;
      for j in 1 .. cardinality(v_whole.spans) loop
        v_spans := v_spans || v_whole.spans[j];
        v_starts := v_starts || (v_whole.starts[j] + v_shift);
        v_signs := v_signs || 1;
        v_ats := v_ats || v_bounds[i];
        v_also_ats := v_also_ats || null::timestamptz;
      end loop;
    end if;
  end loop;

  -- The heads of the signed buckets: minus the head of a, unless the signed bucket before already
  -- counted it against this one; plus the head of b, against the next bucket when that one is
  -- signed too.
  for i in 1 .. cardinality(v_bounds) - 1 loop
    continue when not v_signed[i];
    if i = 1 or not v_signed[i - 1] then
      for j in v_head_first[i] .. v_head_first[i] + v_head_costs[i] - 1 loop
        v_spans := v_spans || v_head_spans[j];
        v_starts := v_starts || v_head_starts[j];
        v_signs := v_signs || (-v_head_signs[j]);
        v_ats := v_ats || v_bounds[i];
        v_also_ats := v_also_ats || null::timestamptz;
      end loop;
    end if;
    for j in v_head_first[i + 1] .. v_head_first[i + 1] + v_head_costs[i + 1] - 1 loop
      v_spans := v_spans || v_head_spans[j];
      v_starts := v_starts || v_head_starts[j];
      v_signs := v_signs || v_head_signs[j];
      v_ats := v_ats || v_bounds[i];
      v_also_ats := v_also_ats || case when i + 1 < cardinality(v_bounds) and v_signed[i + 1] then v_bounds[i + 1] end;
    end loop;
  end loop;

  -- An edge taken whole: its bucket's 15-minute block, in that bucket.
  foreach v_edge in array array[case when v_head_whole then v_head_bucket end,
                                case when v_tail_whole then v_inner_to end] loop
    continue when v_edge is null;
    v_spans := v_spans || 15;
    v_starts := v_starts || (extract(epoch from v_edge - v_origin) / 60)::integer;
    v_signs := v_signs || 1;
    v_ats := v_ats || v_edge;
    v_also_ats := v_also_ats || null::timestamptz;
  end loop;

  -- Those blocks from the rollups, their figures times their sign (latency_sign: the factor of
  -- their histogram's counts, sent as latency_pairs; also_at: a shared head's second bucket), the deltas not folded yet (15 minutes each, in their own bucket),
  -- and the ragged edges (a range not on 15-minute bounds) from the raw rows, summed per key, or
  -- taken whole minus the rest of their bucket. In
  -- one snapshot a delta is either still appended or already folded into every level, never
  -- both, and the levels agree, so a subtracted block removes exactly what its superblock
  -- counted. Each branch is an index scan on bound values. Without p_detailed the blocks are
  -- the rows summed over agents and statuses (their agent_id and status null; the deltas and
  -- edges keep theirs): for a caller that groups by neither.
  return query
  select r.tenant_id, k.at, r.model, r.provider, r.agent_id, r.status, null::text, k.sign * r.events,
         k.sign * r.errors, k.sign * r.input_tokens, k.sign * r.output_tokens,
         k.sign * r.cache_read_input_tokens, k.sign * r.cache_creation_input_tokens,
         k.sign * r.reasoning_tokens, k.sign * r.cost_micro_usd, k.sign * r.pii_or_secret_events,
         r.latency_pairs, k.sign, k.also_at
    from unnest(v_spans, v_starts, v_signs, v_ats, v_also_ats) as k(span_minutes, start_minutes, sign, at, also_at)
   -- One probe of one day's partition per block: a lateral subquery kept apart (offset 0) is
   -- a nested loop whose partitions are pruned at each probe; joined plainly, each probe is
   -- costed as if against every day, and the plan hashes a scan of all of them.
   cross join lateral (
     select * from sealog.usage_rollups as b
      where b.tenant_id = any (p_tenant_ids)
        and b.span_minutes = k.span_minutes
        and b.detailed = p_detailed
        and b.bucket = v_origin + make_interval(mins => k.start_minutes)
     offset 0) as r
   where not p_by_risk
  union all
  select r.tenant_id, k.at, r.model, r.provider, r.agent_id, r.status, nullif(r.risk_tag, ''),
         k.sign * r.events, k.sign * r.errors, k.sign * r.input_tokens, k.sign * r.output_tokens,
         k.sign * r.cache_read_input_tokens, k.sign * r.cache_creation_input_tokens,
         k.sign * r.reasoning_tokens, k.sign * r.cost_micro_usd, k.sign * r.pii_or_secret_events,
         r.latency_pairs, k.sign, k.also_at
    from unnest(v_spans, v_starts, v_signs, v_ats, v_also_ats) as k(span_minutes, start_minutes, sign, at, also_at)
   cross join lateral (
     select * from sealog.usage_risk_rollups as b
      where b.tenant_id = any (p_tenant_ids)
        and b.span_minutes = k.span_minutes
        and b.detailed = p_detailed
        and b.bucket = v_origin + make_interval(mins => k.start_minutes)
     offset 0) as r
   where p_by_risk
  union all
  select d.tenant_id, d.bucket, d.model, d.provider, d.agent_id, d.status, nullif(d.risk_tag, ''),
         d.events, d.errors, d.input_tokens, d.output_tokens, d.cache_read_input_tokens,
         d.cache_creation_input_tokens, d.reasoning_tokens, d.cost_micro_usd,
         d.pii_or_secret_events, sealog.histogram_pairs(d.latency_bins), 1, null::timestamptz
    from sealog.usage_deltas as d
   where d.tenant_id = any (p_tenant_ids)
     and d.bucket >= case when v_head_whole then v_head_bucket else v_inner_from end
     and d.bucket < case when v_tail_whole then v_inner_to + interval '15 minutes' else v_inner_to end
     and (d.risk_tag is not null) = p_by_risk
  union all
  -- Each edge's raw rows lie inside one 15-minute bucket, so inside one series bucket: they are
  -- summed per key (at their first instant), the histogram counted per bin, times the edge's sign.
  select b.tenant_id, min(b.at), b.model, b.provider, b.agent_id, b.status, b.risk_tag,
         s.sign * sum(b.events)::bigint, s.sign * sum(b.errors)::bigint, s.sign * sum(b.input_tokens),
         s.sign * sum(b.output_tokens), s.sign * sum(b.cache_read_input_tokens),
         s.sign * sum(b.cache_creation_input_tokens), s.sign * sum(b.reasoning_tokens),
         s.sign * sum(b.cost_micro_usd), s.sign * sum(b.pii_or_secret_events)::bigint,
         coalesce(string_agg(b.bin || ',' || b.events, ',') filter (where b.bin is not null), ''),
         s.sign, null::timestamptz
    from (select e.tenant_id, e.occurred_at >= v_tail_raw_from as late, min(e.occurred_at) as at,
                 e.model::text as model, e.provider::text as provider, e.agent_id::text as agent_id,
                 e.status, k.risk_tag, sealog.latency_bin(e.latency_ms) as bin, count(*) as events,
                 count(*) filter (where e.status = 'error') as errors,
                 sum(e.input_tokens)::numeric as input_tokens, sum(e.output_tokens)::numeric as output_tokens,
                 coalesce(sum(e.cache_read_input_tokens), 0)::numeric as cache_read_input_tokens,
                 coalesce(sum(e.cache_creation_input_tokens), 0)::numeric as cache_creation_input_tokens,
                 coalesce(sum(e.reasoning_tokens), 0)::numeric as reasoning_tokens,
                 coalesce(sum(e.cost_micro_usd), 0)::numeric as cost_micro_usd,
                 count(*) filter (where exists (select from unnest(e.risk_tags::text[]) as t(tag)
                                                where t.tag like 'PII\_%' or t.tag like 'SECRET\_%')) as pii_or_secret_events
            from sealog.llm_request_logs as e
           cross join lateral unnest(case when p_by_risk and cardinality(e.risk_tags) > 0 then e.risk_tags::text[]
                                          else array[null::text] end) as k(risk_tag)
           where e.tenant_id = any (p_tenant_ids)
             and ((e.occurred_at >= v_head_raw_from and e.occurred_at < v_head_raw_to)
                  or (e.occurred_at >= v_tail_raw_from and e.occurred_at < v_tail_raw_to))
           group by e.tenant_id, 2, e.model, e.provider, e.agent_id, e.status, k.risk_tag, 9) as b
   cross join lateral (select case when b.late then v_tail_sign else v_head_sign end as sign) as s
   group by b.tenant_id, b.late, s.sign, b.model, b.provider, b.agent_id, b.status, b.risk_tag;
end
$$;
comment on function sealog.usage_parts(uuid[], timestamptz, timestamptz, boolean, text, text, boolean) is 'The usage of some tenants over [p_from, p_to) as rows to aggregate by date_trunc(p_granularity, at, p_zone): per series bucket few signed rollup blocks (figures times latency_sign, which also multiplies the counts of the histogram, as latency_pairs "bin,count,..."; a row with also_at counts again, negated, in that instant''s bucket) plus unfolded deltas, the edges from raw telemetry; per risk tag when p_by_risk; summed over agents and statuses unless p_detailed. Exactly the raw rows'' figures.';

/** Section - Retention */

create function sealog.delete_expired_usage_deltas(p_now timestamptz)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_count bigint;
begin
  -- Each tenant's cutoff is computed once (materialized: inlined into the join, it ran once
  -- per delta row). Reads the whole queue, a minute of ingest: the telemetry purge calls this
  -- only after its own deletes through the parent appended deltas.
  with cutoffs as materialized (
    select tenant_id, sealog.retention_cutoff('telemetry', p_now, tenant_id) as cutoff
      from (select distinct tenant_id from sealog.usage_deltas) as t
  )
  delete from sealog.usage_deltas as d
   using cutoffs as c
   where d.tenant_id = c.tenant_id
     and d.bucket <= c.cutoff - interval '15 minutes';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
comment on function sealog.delete_expired_usage_deltas(timestamptz) is 'Deletes the usage deltas whose 15-minute block ends at or before the tenant''s telemetry cutoff; returns how many. Called by sealog.purge_telemetry after its deletes through the parent, whose negative deltas of expired buckets must not reach the rollups.';

create function sealog.purge_usage_rollups(p_now timestamptz default now(), p_max_days integer default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
set lock_timeout = '1s'
as $$
declare
  v_cutoff timestamptz := sealog.retention_cutoff('telemetry', p_now);
  v_cutoff_day timestamptz := pg_catalog.date_trunc('day', v_cutoff, 'UTC');
  v_table regclass;
  v_part regclass;
  v_override record;
  v_rollups record;
  v_risk record;
  v_rows bigint := 0;
  v_count bigint;
begin
  -- Blocks (of every level) that end at or before the cutoff hold only rows past retention.
  -- Whole days past the cutoff are detached, last (sealog.detach_expired_partitions; dropped
  -- apart by sealog.purge_detached_days): their cost does not grow with their rows and they
  -- write no WAL per row. What is deleted row by row is bounded: the boundary day's expired
  -- blocks, default-partition stragglers, and each shorter override's tenant's own rows.
  -- The deltas are not read: the fold empties them every minute, and one of an expired block
  -- that it folds (a delta that waited past the cutoff) lands in a block this job deletes at
  -- its next run. The telemetry purge deletes those its own deletes append.
  -- A day step of the job (p_max_days > 0) only detaches: the job's first call (0) deleted
  -- the rows.
  if coalesce(p_max_days, 0) = 0 then
    foreach v_table in array array['sealog.usage_rollups', 'sealog.usage_risk_rollups']::regclass[] loop
      -- 1. Each tenant with a shorter retention, at its own cutoff, in the days that stay for
      --    everyone: through the keys, which lead with (tenant_id, span_minutes, detailed,
      --    bucket), so each delete reads only that tenant's expired rows. The smallest level's
      --    bound limits the index range; the exact end per level filters.
      for v_override in
        select o.tenant_id, sealog.retention_cutoff('telemetry', p_now, o.tenant_id) as cutoff
          from sealog.retention_overrides as o
          join sealog.retention_policies as p on p.category = o.category
         where o.category = 'telemetry'
           and o.retention < p.retention
         order by o.tenant_id
      loop
        execute format(
          'delete from %s
            where tenant_id = $1
              and span_minutes = any (sealog.usage_levels())
              and detailed = any (array[false, true])
              and bucket >= $2
              and bucket <= $3 - interval ''15 minutes''
              and bucket + make_interval(mins => span_minutes) <= $3', v_table)
          using v_override.tenant_id, v_cutoff_day, v_override.cutoff;
        get diagnostics v_count = row_count;
        v_rows := v_rows + v_count;
      end loop;
      -- 2. The boundary day's blocks that end by the cutoff, from its partition alone, and
      --    3. stragglers in the default partition (days without a partition of their own).
      foreach v_part in array array[
        to_regclass(format('%s_p%s', v_table, to_char(v_cutoff_day at time zone 'UTC', 'YYYYMMDD'))),
        to_regclass(v_table::text || '_default')] loop
        continue when v_part is null;
        execute format('delete from %s where bucket + make_interval(mins => span_minutes) <= $1', v_part)
          using v_cutoff;
        get diagnostics v_count = row_count;
        v_rows := v_rows + v_count;
      end loop;
    end loop;
  end if;
  -- 4. Whole expired days of both tables (the oldest p_max_days of each), all or none, with
  --    the bounds of every detach (500 ms per lock): one table's days detached without the
  --    other's are undone, and all go at the next run. The detach holds each parent's lock
  --    until this commits, which comes at once.
  begin
    select * into v_rollups from sealog.detach_expired_partitions('sealog.usage_rollups', v_cutoff, p_max_days);
    select * into v_risk from sealog.detach_expired_partitions('sealog.usage_risk_rollups', v_cutoff, p_max_days);
    if not (v_rollups.complete and v_risk.complete) then
      raise exception using errcode = 'lock_not_available', message = coalesce(v_rollups.note, v_risk.note);
    end if;
  exception when lock_not_available then
    raise notice 'usage rollups: %; expired days detached at the next run', sqlerrm;
    return jsonb_build_object('rows_deleted', v_rows, 'partitions_dropped', 0, 'complete', false);
  end;
  return jsonb_build_object('rows_deleted', v_rows,
                            'partitions_dropped', v_rollups.partitions_dropped + v_risk.partitions_dropped,
                            'partitions_left', v_rollups.partitions_left + v_risk.partitions_left,
                            'complete', true);
exception when lock_not_available then
  -- A fold holds the rows: nothing is deleted this time, all of it at the next run.
  raise notice 'usage rollups: rows locked; purged at the next run';
  return jsonb_build_object('rows_deleted', 0, 'partitions_dropped', 0, 'complete', false);
end
$$;
comment on function sealog.purge_usage_rollups(timestamptz, integer) is 'Purges the usage rollups whose blocks end at or before the telemetry retention cutoff: deletes the boundary day''s expired blocks, default-partition stragglers and each shorter override''s tenant''s expired blocks, then detaches whole expired days of both rollup tables, the oldest p_max_days of each (all when null; with p_max_days above 0, no row deletes), all or none (dropped by sealog-purge-detached-days); returns rows_deleted, partitions_dropped, partitions_left and complete (false when a lock was not available in time: the rest at the next run). Run hourly by pg_cron (sealog-purge-usage-rollups), one day per transaction.';

/** Section - RLS and grants */

alter table sealog.usage_deltas enable row level security;
alter table sealog.usage_deltas force row level security;
alter table sealog.usage_rollups enable row level security;
alter table sealog.usage_rollups force row level security;
alter table sealog.usage_risk_rollups enable row level security;
alter table sealog.usage_risk_rollups force row level security;
revoke all on table sealog.usage_deltas, sealog.usage_rollups, sealog.usage_risk_rollups
  from public, anon, authenticated, service_role;
-- service_role may read them as it reads telemetry (support, exports); only the trigger, the
-- fold and the purge above write them.
grant select on table sealog.usage_deltas, sealog.usage_rollups, sealog.usage_risk_rollups to service_role;
create policy usage_deltas_select_policy on sealog.usage_deltas
  for select to service_role using (true);
create policy usage_rollups_select_policy on sealog.usage_rollups
  for select to service_role using (true);
create policy usage_risk_rollups_select_policy on sealog.usage_risk_rollups
  for select to service_role using (true);

revoke all on function sealog.usage_levels() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.latency_bin(bigint) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.histogram_sum(jsonb[]) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.histogram_pairs(jsonb) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.append_usage_deltas() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.fold_usage_deltas() from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.usage_blocks(integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.usage_signed_head(integer, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.usage_parts(uuid[], timestamptz, timestamptz, boolean, text, text, boolean) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.purge_usage_rollups(timestamptz, integer) from public, anon, authenticated, service_role, sealog_edge;
revoke all on function sealog.delete_expired_usage_deltas(timestamptz) from public, anon, authenticated, service_role, sealog_edge;

-- Every minute, UTC: the rollup tables lag at most a minute (plus the fold). cron.schedule
-- upserts by name, so re-running this is harmless.
select cron.schedule('sealog-fold-usage', '* * * * *', 'select sealog.fold_usage_deltas()');
