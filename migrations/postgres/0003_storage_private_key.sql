-- SFTP storages may log in with a private key (sealed like passwords).
ALTER TABLE storages ADD COLUMN private_key_sealed TEXT;
