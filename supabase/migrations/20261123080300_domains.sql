/**
 * Domains: bounded types, so that no column can hold free text of any length.
 * Prompt or response content cannot fit in any of these by construction.
 */
create domain sealog.label as text
  check (char_length(value) <= 128 and value !~ '[[:cntrl:]]');
comment on domain sealog.label is 'A short human label or identifier, at most 128 code points, no control characters.';

create domain sealog.api_scope as text
  check (value in ('ingest', 'auth-events', 'privacy', 'read', 'audit'));
comment on domain sealog.api_scope is 'An API key scope: ingest, auth-events and privacy write; read (usage, sessions, keys) and audit (access log, auth events) only read.';

-- Bounded by length, not by a pattern: a pattern check ran for refused requests' rows only (an
-- admitted one has no code), a few µs that made an unknown key slower to log than a valid one
-- (tests/soak/timing_test.ts). The codes are the problem catalogue's: tests/unit/contract_test.ts
-- checks every code the SQL writes against it.
create domain sealog.error_code as text
  check (char_length(value) between 1 and 64);
comment on domain sealog.error_code is 'A stable machine error code, as in problem+json responses: one of the problem catalogue''s, at most 64 characters.';

-- Lengths are checked apart from the patterns: PostgreSQL's regex engine runs a bounded
-- repetition such as {1,128} about ten times slower than `+` (18 against 2 µs a value),
-- and these two are checked for every stored event.
create domain sealog.session_id as text
  check (char_length(value) between 1 and 128 and value ~ '^[A-Za-z0-9._:-]+$'
         and value not like '%..%' and value <> '.');
comment on domain sealog.session_id is 'An agent session id: 1 to 128 of [A-Za-z0-9._:-], never ".", ".." or containing "..".';

create domain sealog.model_name as text
  check (char_length(value) between 1 and 256 and value !~ '[[:cntrl:]]');
comment on domain sealog.model_name is 'A model name (gen_ai.request.model), at most 256 code points.';

create domain sealog.provider_name as text
  check (char_length(value) between 1 and 64 and value !~ '[[:cntrl:]]');
comment on domain sealog.provider_name is 'A provider name (gen_ai.provider.name), at most 64 code points.';

create domain sealog.risk_tag as text
  check (char_length(value) between 2 and 64 and value ~ '^[A-Z][A-Z0-9_]+$');
comment on domain sealog.risk_tag is 'A risk tag computed by the SDK, e.g. PII_EMAIL; never the matched text.';

create domain sealog.counter as bigint
  check (value between 0 and 9007199254740991);
comment on domain sealog.counter is 'A non-negative integer counter, at most 2^53-1 so that it round-trips through JSON.';
