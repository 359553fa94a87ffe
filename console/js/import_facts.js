// What the console shows of one import, read from the API's documents: a history line
// (GET /establishments/{uai}/imports → items) or an import's summary (GET …/imports/{id}). A section the
// pipeline has not written yet is null there, and shows as "—" or not at all here.

export const RUNNING = new Set(["uploaded", "validating", "queued", "parsing", "reconciling", "planning", "syncing"]);

function object(value) {
  return value && typeof value === "object" ? value : null;
}

function number(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

export function errorOf(doc) {
  const error = object(doc.error);
  if (error && error.code) return error;
  return doc.error_code ? { code: doc.error_code, message: "" } : null;
}

/** {expected, found, status: pending | ok | mismatch} */
export function uaiCheck(doc, expected) {
  const check = object(doc.uai_check) || {};
  return {
    expected: check.expected || expected,
    found: check.found || null,
    status: check.status || "pending",
  };
}

/** An expired import's export that came after all: {receivedAt, sizeBytes}, or null. It was never read. */
export function lateUpload(doc) {
  const late = object(doc.late_upload);
  return late && late.received_at ? { receivedAt: late.received_at, sizeBytes: number(late.size_bytes) } : null;
}

export function software(doc) {
  const facts = object(doc.export);
  return facts ? [facts.software, facts.version].filter(Boolean).join(" ") : "";
}

export function schoolYear(doc) {
  const facts = object(doc.export);
  return facts && facts.school_year ? String(facts.school_year) : "";
}

/** [{code, message, count}] */
export function warnings(doc) {
  const list = Array.isArray(doc.warnings) ? doc.warnings : [];
  const byCode = new Map();
  for (const warning of list) {
    const entry = byCode.get(warning.code) || { code: warning.code, message: warning.message || "", count: 0 };
    entry.count += 1;
    byCode.set(warning.code, entry);
  }
  return [...byCode.values()];
}

/** More warnings than the summary lists (it keeps the first ones). */
export function warningsLeftOut(doc) {
  const listed = Array.isArray(doc.warnings) ? doc.warnings.length : 0;
  return Math.max(0, number(doc.warning_count) - listed);
}

/** Per action kind: [{type, succeeded, failed, skipped}]. */
export function actionCounts(doc) {
  const sync = object(doc.sync);
  const byType = sync ? object(sync.by_type) : null;
  if (!byType) return [];
  return Object.entries(byType)
    .filter(([, counts]) => number(counts.succeeded) + number(counts.failed) + number(counts.skipped) > 0)
    .map(([type, counts]) => ({
      type,
      succeeded: number(counts.succeeded),
      failed: number(counts.failed),
      skipped: number(counts.skipped),
    }));
}

/** {succeeded, failed}, null each before the sync. */
export function totals(doc) {
  const counts = object(doc.counts) || object(doc.sync);
  return counts ? { succeeded: number(counts.succeeded), failed: number(counts.failed) } : { succeeded: null, failed: null };
}

export function accounts(doc) {
  const recognised = object(doc.recognised);
  if (!recognised) return null;
  return { teachers: number(recognised.teachers), students: number(recognised.students), unmatched: number(doc.unmatched) };
}

/** Lessons left out, as [{reason, count}]. */
export function lessonsNotImported(doc) {
  const lessons = object(doc.lessons_not_imported);
  const byReason = lessons ? object(lessons.by_reason) : null;
  if (!byReason) return [];
  return Object.entries(byReason)
    .map(([reason, count]) => ({ reason, count: number(count) }))
    .filter((lesson) => lesson.count > 0);
}

/** A held plan: its reasons, its approval code, what it would delete (figures and the courses). */
export function hold(doc) {
  const plan = object(doc.plan);
  if (!plan || !plan.held) return null;
  const facts = object(plan.hold) || {};
  return {
    reasons: Array.isArray(plan.hold_reasons) ? plan.hold_reasons : [],
    approval: facts.approval || null,
    figures: object(facts.figures) || {},
    courses: Array.isArray(facts.deleted_courses) ? facts.deleted_courses : [],
    coursesCount: number(facts.deleted_courses_count),
  };
}

/** Known people arriving with a new Pronote id, to confirm: their count (0 when none). */
export function rekeys(doc) {
  const rekey = object(doc.rekey);
  return rekey ? number(rekey.count) : 0;
}

/** Whether an administrator confirmed them already. */
export function rekeysConfirmed(doc) {
  const rekey = object(doc.rekey);
  return Boolean(rekey && rekey.confirmed === true);
}
