-- The PostgreSQL role and database of mpp. Run once, as the PostgreSQL superuser:
--
--   sudo -u postgres psql -v mpp_password="$(openssl rand -base64 32)" -f deploy/postgres.sql
--
-- then put the same password in /etc/mpp/secrets.env as PGPASSWORD, and in config.toml:
--
--   [database]
--   url = "postgresql+psycopg://mpp@127.0.0.1:5432/mpp"
--
-- `mpp init` creates the tables (the role owns the schema, so migrations need nothing more).

\set ON_ERROR_STOP on

CREATE ROLE mpp LOGIN PASSWORD :'mpp_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;

CREATE DATABASE mpp OWNER mpp ENCODING 'UTF8' TEMPLATE template0;

\connect mpp

-- Only mpp may create objects in its database.
REVOKE ALL ON DATABASE mpp FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO mpp;

-- Statements that hang are stopped; the worker retries at its next poll.
ALTER ROLE mpp SET statement_timeout = '5min';
ALTER ROLE mpp SET idle_in_transaction_session_timeout = '10min';
ALTER ROLE mpp SET timezone = 'UTC';
