/**
 * Domains for auth events: bounded identifiers, so that no auth-event column can hold a
 * password, a token, a message or an email address. Machine codes (type, method, provider,
 * reason) are lowercase identifiers; a user id may never contain "@", so an email cannot be
 * stored in clear even by mistake (the Edge Function keeps a keyed hash instead).
 */

create domain sealog.auth_event_type as text
  check (value ~ '^[a-z][a-z0-9_]{0,63}$');
comment on domain sealog.auth_event_type is 'An auth event type: a lowercase identifier of at most 64 characters, e.g. login_success, sso_grant, account_locked.';

create domain sealog.auth_identifier as text
  check (value ~ '^[a-z][a-z0-9_./:-]{0,63}$');
comment on domain sealog.auth_identifier is 'A lowercase machine code of at most 64 characters for an auth method, identity provider or failure reason, e.g. password, sso/saml, google, invalid_password.';

create domain sealog.auth_user_id as text
  check (char_length(value) between 1 and 128 and value !~ '[[:cntrl:]@]');
comment on domain sealog.auth_user_id is 'A user id of the tenant''s identity provider, at most 128 code points; never contains "@", so an email address cannot be stored in clear.';

create domain sealog.webhook_id as text
  check (char_length(value) between 1 and 256 and value ~ '^[!-~]+$');
comment on domain sealog.webhook_id is 'A Standard Webhooks message id (webhook-id header): 1 to 256 printable ASCII characters.';
