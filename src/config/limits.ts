/**
 * How large a request body may be. One number for the adapter, Astro's Action limit and the
 * report middleware (astro.config.mjs and src/middleware.ts import it): five photos of up to
 * 10 MB each, plus the form fields.
 */
export const REPORT_BODY_LIMIT = 55 * 1024 * 1024;
