// The wizard's choices while the administrator goes through its screens, kept per import for this page.
// Read from GET …/selection; sent back as PUT …/selection
// {"disabled": {"subjects", "classes", "groups", "courses"}, "add_subjects": [codes]}.

const drafts = new Map();

function list(value) {
  return Array.isArray(value) ? value : [];
}

function enabledFlag(item) {
  if (typeof item.enabled === "boolean") return item.enabled;
  return item.status !== "disabled";
}

export class SelectionDraft {
  constructor(selection) {
    this.subjects = list(selection.subjects).map((s) => ({
      code: String(s.code),
      label: String(s.label || s.name || s.code),
      // a subject the referential knows: recognised, or disabled at the last import while known
      known: s.status === "recognised" || s.recognised === true || (s.status === "disabled" && s.known !== false),
    }));
    this.classes = list(selection.classes).map((c) => ({ name: String(c.name), enabled: enabledFlag(c) }));
    this.groups = list(selection.groups).map((g) => ({ name: String(g.name), enabled: enabledFlag(g) }));
    this.disabled = {
      subjects: new Set(list(selection.subjects).filter((s) => !enabledFlag(s)).map((s) => String(s.code))),
      classes: new Set(this.classes.filter((c) => !c.enabled).map((c) => c.name)),
      groups: new Set(this.groups.filter((g) => !g.enabled).map((g) => g.name)),
      courses: new Set(),
    };
    this.added = new Set();
    this.users = list(selection.users);
    this.setCourses(selection.courses);
  }

  /** The courses as the API derives them; a course the administrator switched off stays off. */
  setCourses(courses) {
    this.courses = list(courses).map((c) => ({
      key: String(c.key),
      title: String(c.title || c.key),
      subject: c.subject_code || null,
      kind: c.audience_kind || null, // "class" | "group"
      audience: c.audience || null,
      teachers: c.teachers ?? null,
      students: c.students ?? null,
    }));
    // A course the API shows off by its own choice (not by its subject, class or group) stays off here.
    for (const [i, raw] of list(courses).entries()) {
      const own = raw.switched_off_by ? raw.switched_off_by === "courses" : raw.enabled === false && !this.impliedOff(this.courses[i]);
      if (own) this.disabled.courses.add(this.courses[i].key);
    }
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
