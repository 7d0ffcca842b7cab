-- One-time sign-in links: a user who has no password yet (loaded from a zone
-- bundle, or created without one) sets it through a link the command line
-- prints. Only the token's hash is kept; a link works once, until it expires.
-- Keep in step with the other backend's 0018_user_invitations.sql.

CREATE TABLE user_invitations (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMPTZ    NOT NULL,
    expires_at  TIMESTAMPTZ    NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX user_invitations_user_ix ON user_invitations (user_id);
