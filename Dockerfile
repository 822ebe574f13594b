# Image for the web (gunicorn) and worker (celery) services of docker-compose.yml.
# postgresql-client: pg_dump / pg_restore for manage.py backup and restore.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-color-emoji graphviz \
    postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY territoire territoire
COPY diagnostics diagnostics
COPY roadmap roadmap
COPY projects projects
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
# collectstatic needs settings that validate; the real secret comes from the environment at run time.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
    DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0

RUN useradd --system --uid 1000 territoire && mkdir -p /app/media && chown territoire /app/media
USER territoire
EXPOSE 8000
CMD ["gunicorn", "territoire.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
