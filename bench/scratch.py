"""The benchmarks' scratch databases: each run starts from an empty one of its own."""

from __future__ import annotations


def recreate_database(name: str) -> None:
    """Drop `name` (closing its connections) and create it empty, on the local PostgreSQL."""
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()
