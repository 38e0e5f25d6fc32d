/**
 * Where an app process spent its time, from a V8 CPU profile (`node --cpu-prof`), summarised two
 * ways: by the parts of intake a reader asks about (inclusive: a sample counts for every part on
 * its stack, so the parts overlap), and by the functions that ran themselves (self time).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Wall time the profile covers, ms. */
  ms: number;
  samples: number;
  /** Share of samples the process was idle (waiting on the database, the network or the load). */
  idle: number;
  /** Garbage collection, share of samples. */
  gc: number;
  /** Part of intake → share of all samples with it on the stack. */
  parts: Array<{ part: string; share: number }>;
  /** The functions that ran themselves most, share of all samples. */
  top: Array<{ fn: string; where: string; share: number }>;
}

/**
 * The parts, each recognised by a frame on the stack: a function's name, or the file it is in.
 * Checked in this order; a sample counts once per part however deep the part recurs.
 */
const PARTS: ReadonlyArray<{ part: string; frame: (f: CallFrame) => boolean }> = [
  { part: 'form token (HMAC: issue, check)', frame: (f) => /issueFormToken|readFormToken/.test(f.functionName) },
  { part: 'receipt code (HMAC)', frame: (f) => /deriveReceiptCode|hashReceiptCode/.test(f.functionName) },
  { part: 'reporter identity (AES-GCM)', frame: (f) => f.functionName === 'encryptField' },
  { part: 'client key (HMAC of the address)', frame: (f) => f.functionName === 'dailyClientKey' },
  { part: 'zod (form schema)', frame: (f) => f.url.includes('/zod/') },
  { part: 'multipart parsing (formData)', frame: (f) => /^formData$|parseMultipartFormDataRequest|busboy/i.test(f.functionName) || f.url.includes('busboy') },
  { part: 'cheap refusal (report-gate look)', frame: (f) => f.functionName === 'refuseCheaply' },
  { part: 'report lane (the form read and answered without Astro)', frame: (f) => f.url.includes('report-lane') || f.functionName === 'readTextOnlyForm' },
  { part: 'the report call (limits, retry look and report in one round trip)', frame: (f) => /takeCitizenReport|acceptWithoutPhotos/.test(f.functionName) },
  { part: 'rate limit and retry check (intake with photos)', frame: (f) => /countAndFindStored|hitRateLimits?/.test(f.functionName) },
  { part: 'storing the report with photos (insert, event)', frame: (f) => f.functionName === 'submitReport' },
  { part: 'database queries (Kysely and pg, all of it)', frame: (f) => f.url.includes('/kysely/') || /\/pg(-protocol|-pool|-types)?\//.test(f.url) },
  { part: '… of which writing each query to the database socket', frame: (f) => f.functionName === 'submit' && f.url.includes('/pg/') },
  { part: "Astro's Action machinery (callAction, serialising)", frame: (f) => /callAction|serializeActionResult|getActionContext/.test(f.functionName) },
  { part: 'rendering pages (Astro: GET /report/)', frame: (f) => f.functionName === 'renderPage' },
  { part: "Astro's CSP hashes (SHA-256 per page render)", frame: (f) => f.functionName === 'generateCspDigest' },
  { part: 'compression (zlib)', frame: (f) => f.url === 'node:zlib' },
  { part: 'HTTP responses (writing to the client socket)', frame: (f) => /^(end|write|writeHead|_writeRaw|_send)$/.test(f.functionName) && f.url.startsWith('node:_http') },
];

const part = (f: CallFrame) => PARTS.filter((p) => p.frame(f)).map((p) => p.part);

/**
 * `window`: ms since the profile began (the process's start) that count; the start-up (loading
 * modules, migrating) and the idle wait for the stop are left out.
 */
export function summariseProfile(profile: CpuProfile, window = { fromMs: 0, toMs: Infinity }): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
  // Parts on each node's stack, computed once per node.
  const partsOf = new Map<number, Set<string>>();
  const stackParts = (id: number): Set<string> => {
    const known = partsOf.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const own = new Set([...(node.parent === undefined ? [] : stackParts(node.parent)), ...part(node.callFrame)]);
    partsOf.set(id, own);
    return own;
  };
  const counts = new Map<string, number>();
  const self = new Map<number, number>();
  let idle = 0;
  let gc = 0;
  let at = 0;
  const samples = profile.samples.filter((_, i) => {
    at += profile.timeDeltas[i]! / 1000;
    return at >= window.fromMs && at <= window.toMs;
  });
  for (const id of samples) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') idle++;
    else if (name === '(garbage collector)') gc++;
    for (const p of stackParts(id)) counts.set(p, (counts.get(p) ?? 0) + 1);
    self.set(id, (self.get(id) ?? 0) + 1);
  }
  const total = samples.length || 1;
  // Self time by function (a function appears as many nodes, one per call path).
  const byFunction = new Map<string, { fn: string; where: string; n: number }>();
  for (const [id, n] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName}@${where}`;
    const entry = byFunction.get(key) ?? { fn: f.functionName || '(anonymous)', where, n: 0 };
    entry.n += n;
    byFunction.set(key, entry);
  }
  return {
    ms: Math.min(window.toMs, (profile.endTime - profile.startTime) / 1000) - window.fromMs,
    samples: samples.length,
    idle: idle / total,
    gc: gc / total,
    parts: PARTS.map((p) => ({ part: p.part, share: (counts.get(p.part) ?? 0) / total })).filter((p) => p.share > 0).sort((a, b) => b.share - a.share),
    top: [...byFunction.values()].sort((a, b) => b.n - a.n).slice(0, 15).map((e) => ({ fn: e.fn, where: e.where, share: e.n / total })),
  };
}

/** A module's address as a reader finds it: from node_modules/ or the project's own folders. */
function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

/** The profile a process wrote into `dir` (the newest, if several). */
export function readProfile(dir: string): CpuProfile {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}: did the app exit cleanly?`);
  return JSON.parse(readFileSync(path.join(dir, files.at(-1)!), 'utf8')) as CpuProfile;
}
