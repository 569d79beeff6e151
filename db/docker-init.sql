-- docker-compose only: the Kinerja database beside Temporal's, in the same PostgreSQL server.
CREATE USER kinerja WITH PASSWORD 'kinerja';
CREATE DATABASE kinerja OWNER kinerja;
