declare namespace App {
  interface Locals {
    /** Set by the middleware for each request. */
    requestId: string;
  }
}
