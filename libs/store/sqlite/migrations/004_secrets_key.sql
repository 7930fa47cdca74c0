-- The fingerprint of the key that seals app secrets (libs/secrets): a start with another key, or with none
-- once secrets were sealed, is refused rather than failing at the first delivery.
CREATE TABLE secrets_key (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint TEXT NOT NULL
);
