-- The unpartitioned tables that a request writes keep their empty trailing pages when vacuumed
-- (vacuum_truncate off): giving them back takes the table's ACCESS EXCLUSIVE lock, which queued
-- every ingest call behind autovacuum once a minute. The tables are found by what one ingest
-- request writes (this transaction's own counts), so a table the request path starts to write
-- is checked too.
begin;
select plan(3);

select sealog_admin.create_tenant('vacuum truncate tenant', 1000) as tenant_id \gset
-- A key never used: the request also writes its last use.
select sealog_admin.issue_key(:'tenant_id', sha256('truncate-key'), 'slg_live_trc1', array['ingest']) is not null as issued \gset

-- This transaction's writes so far (the set-up's), to tell the request's own apart.
create temporary table before_request on commit drop as
  select relid, n_tup_ins + n_tup_upd + n_tup_del as writes from pg_stat_xact_user_tables;

set local role sealog_edge;
select sealog_api.ingest(
  jsonb_build_object('request_id', gen_random_uuid(), 'method', 'POST', 'path', '/ingest',
                     'key_digest', encode(sha256('truncate-key'::bytea), 'hex')),
  jsonb_build_array(jsonb_build_object(
    'i', 0, 'event_id', gen_random_uuid(), 'session_id', 'truncate', 'occurred_at', now(),
    'model', 'model', 'input_tokens', 1, 'output_tokens', 1))) ->> 'status' as status \gset
reset role;
select is(:'status'::text, '200', 'the ingest request is accepted');

create temporary table written on commit drop as
  select c.oid::regclass::text as table_name, c.reloptions, c.reltoastrelid,
         (select tc.reloptions from pg_class tc where tc.oid = c.reltoastrelid) as toast_options
    from pg_stat_xact_user_tables s
    join pg_class c on c.oid = s.relid
    left join before_request b on b.relid = s.relid
   where s.schemaname = 'sealog'
     and not c.relispartition
     and s.n_tup_ins + s.n_tup_upd + s.n_tup_del > coalesce(b.writes, 0);

select ok(
  (select array_agg(table_name order by table_name) from written)
    @> array['sealog.api_keys', 'sealog.rate_limit_buckets', 'sealog.session_state', 'sealog.usage_deltas'],
  'the request wrote its rate-limit shard, session, usage delta and key''s last use');

select is_empty(
  $$
  select table_name from written
   where not coalesce(reloptions @> array['vacuum_truncate=false'], false)
      or (reltoastrelid <> 0 and not coalesce(toast_options @> array['vacuum_truncate=false'], false))
  $$,
  'every unpartitioned table it wrote, and its TOAST table, keeps its pages on vacuum');

select * from finish();
rollback;
