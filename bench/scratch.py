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


def use_scratch_database(name: str, *, redis_db: int = 8) -> None:
    """Point Django (bench.settings) at the scratch database `name`, before Django is set up."""
    import os

    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
