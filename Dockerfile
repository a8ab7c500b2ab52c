# One image for every service; SERVICE picks which one runs. Sources run through tsx, as in development and tests.
FROM node:20-bookworm-slim
# The gazette sets its PDFs in Noto CJK and reads imported ones with pdftotext; new-media covers are drawn in Noto CJK too.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends poppler-utils fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY services ./services
COPY infra/package.json ./infra/package.json
RUN npm install --omit=dev --no-audit --no-fund && npm install --no-save tsx@4
COPY schemas ./schemas
ARG SERVICE
ENV SERVICE=${SERVICE} NODE_ENV=production
USER node
CMD ["sh", "-c", "exec npx tsx services/${SERVICE}/src/main.ts"]
