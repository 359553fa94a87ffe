// The wizard's choices while the administrator goes through its screens, kept per import for this page.
// Read from GET …/selection (the lists, and the choices as "disabled"); sent back as PUT …/selection
// {"disabled": {"subjects", "classes", "groups", "courses"}, "add_subjects": [codes]}, which answers the same view.

const drafts = new Map();

function list(value) {
  return Array.isArray(value) ? value : [];
}

export class SelectionDraft {
  constructor(selection) {
    this.subjects = list(selection.subjects).map((s) => ({
      code: String(s.code),
      label: String(s.label || s.code),
      known: s.status === "recognised",
      courses: typeof s.courses === "number" ? s.courses : null,
    }));
    this.classes = list(selection.classes).map((c) => ({ name: String(c.name) }));
    this.groups = list(selection.groups).map((g) => ({ name: String(g.name) }));
    this.users = list(selection.users);
    this.added = new Set();
    this.disabled = { subjects: new Set(), classes: new Set(), groups: new Set(), courses: new Set() };
    this.take(selection);
  }

  /** The API's view of the choices (GET or PUT …/selection): what is switched off, the courses as derived. */
  take(selection) {
    const chosen = selection.disabled && typeof selection.disabled === "object" ? selection.disabled : {};
    for (const name of Object.keys(this.disabled)) this.disabled[name] = new Set(list(chosen[name]).map(String));
    // A subject the referential now knows (added at an earlier PUT) shows as recognised.
    for (const row of list(selection.subjects)) {
      const subject = this.subjects.find((s) => s.code === String(row.code));
      if (subject && row.status === "recognised") subject.known = true;
    }
    this.courses = list(selection.courses).map((c) => ({
      key: String(c.key),
      title: String(c.title || c.key),
      subject: c.subject_code || null,
      kind: c.audience_kind || null, // "class" | "group"
      audience: c.audience || null,
      teachers: c.teachers ?? null,
      students: c.students ?? null,
    }));
  }

  subjectState(subject) {
    if (this.disabled.subjects.has(subject.code)) return "disabled";
    if (subject.known) return "recognised";
    return this.added.has(subject.code) ? "added" : "unknown";
  }

  /** Switched off by its subject, class or group (when the API says which they are). */
  impliedOff(course) {
    if (course.subject && this.disabled.subjects.has(course.subject)) return true;
    if (!course.audience) return false;
    if (course.kind === "group") return this.disabled.groups.has(course.audience);
    if (course.kind === "class") return this.disabled.classes.has(course.audience);
    return false;
  }

  courseEnabled(course) {
    return !this.impliedOff(course) && !this.disabled.courses.has(course.key);
  }

  toggle(listName, name, enabled) {
    if (enabled) this.disabled[listName].delete(name);
    else this.disabled[listName].add(name);
  }

  setAll(listName, names, enabled) {
    for (const name of names) this.toggle(listName, name, enabled);
  }

  body() {
    const sorted = (set) => [...set].sort();
    return {
      disabled: {
        subjects: sorted(this.disabled.subjects),
        classes: sorted(this.disabled.classes),
        groups: sorted(this.disabled.groups),
        courses: sorted(this.disabled.courses),
      },
      add_subjects: sorted(this.added),
    };
  }
}

export function draftFor(importId) {
  return drafts.get(importId) || null;
}

export function keepDraft(importId, draft) {
  drafts.set(importId, draft);
  return draft;
}
