/** Shapes of the per-county configuration (./county.json, read by ./jurisdiction.ts). */

export type LngLat = readonly [lng: number, lat: number];

export interface Village {
  readonly name: string;
  /** WGS-84; omitted where no location is known. */
  readonly lngLat?: LngLat;
}

export interface Township {
  /** Stable ASCII code stored in the database; the name may be corrected later. */
  readonly code: string;
  readonly name: string;
  /** Approximate seat of the township government, WGS-84. */
  readonly lngLat: LngLat;
  /**
   * The township's outline (WGS-84), where the county supplies one: the report map then picks the
   * township a pin falls in rather than the nearest seat.
   */
  readonly boundary?: readonly LngLat[];
  readonly villages: readonly Village[];
}

export interface TileSource {
  readonly name: string;
  /** Leaflet URL templates drawn bottom to top (天地图 needs a base layer and a label layer). */
  readonly urlTemplates: readonly string[];
  readonly subdomains?: string;
  readonly attribution: string;
  /** 审图号 shown under every map, as Chinese map rules require. */
  readonly reviewNumber: string;
  readonly maxZoom: number;
}

export interface ContactLine {
  readonly label: string;
  readonly number: string;
  readonly hours: string;
}

/** Working-day limits for each stage of handling a citizen report. */
export interface StageDeadlines {
  /** 接收 → 判定: decide whether to accept. */
  readonly decide: number;
  /** 核查: township verifies on site. */
  readonly verify: number;
  /** 处理: township handles / rectifies. */
  readonly handle: number;
  /** 反馈: reply to the citizen after handling. */
  readonly reply: number;
}

export interface Jurisdiction {
  readonly countyName: string;
  readonly countyFullName: string;
  readonly campaignName: string;
  /** Leading group's office, the portal's publisher. */
  readonly publisher: string;
  readonly townships: readonly Township[];
  readonly map: {
    readonly center: LngLat;
    readonly zoom: number;
    /** Outer ring of the jurisdiction, WGS-84, first point not repeated. */
    readonly boundary: readonly LngLat[];
    /** True while the boundary and seats are hand-drawn approximations. */
    readonly approximate: boolean;
    readonly tiles: TileSource;
  };
  readonly contacts: readonly ContactLine[];
  readonly deadlines: StageDeadlines;
  /** True when the deployment runs on demo data (every page then says so). */
  readonly demo: boolean;
}
