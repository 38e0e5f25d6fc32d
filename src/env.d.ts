declare namespace App {
  interface Locals {
    /** Set by the middleware for each request. */
    requestId: string;
    /** The database, for the service functions a page calls (pages never import it). */
    readonly db: import('kysely').Kysely<import('./server/database.ts').Database>;
    /** What the citizen typed, when the report form comes back with errors. */
    reportValues?: import('./domain/reports/report-schema.ts').ReportFormValues;
    /** The signed-in staff member, on staff pages and POSTs; null otherwise. */
    user: import('./domain/accounts/auth.ts').StaffUser | null;
    session: import('./domain/accounts/auth.ts').Session | null;
    /**
     * The public cache (public-cache.ts): handed in by the HTTP server (src/cli/serve.ts), one for
     * the process; under `astro dev` an empty one that caches nothing.
     */
    publicCache: import('./server/public-cache.ts').PublicCache;
    /**
     * The report form's copy (form-shell.ts), handed in by the HTTP server with the public cache;
     * absent under `astro dev`, where every request renders.
     */
    formShell?: import('./server/form-shell.ts').ReportFormShell;
    /**
     * The report lane (report-lane.ts), handed in by the HTTP server with the public cache: the
     * middleware hands it the report Action's steps; absent under `astro dev`.
     */
    reportLane?: import('./server/report-lane.ts').ReportLane;
    /** The connection's address, from the HTTP server (client-address.ts); absent under `astro dev`. */
    socketAddress?: string;
    /** Seconds until a rate-limited client may try again: the Retry-After of a 429. */
    retryAfter?: number;
  }
}
