-- Temporal's persistence and visibility beside the MES's own database (docker-compose.yml); temporal-setup then
-- creates their schemas with temporal-sql-tool.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
