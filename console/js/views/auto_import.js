// The automatic-import settings (enabled, first run, interval, imports per day) and, until a manual import
// has completed, why automatic imports are refused.

import { establishmentPath, getJson, sendJson } from "../api.js";
import { h } from "../dom.js";
import { codeSentence, formatDateTime, t } from "../i18n.js";
import { errorPanel, heading, notice } from "./messages.js";

export async function autoImportScreen(ctx) {
  const path = establishmentPath(ctx.uai, "auto-import");
  const settings = await getJson(path);
  const status = h("div", {}, availability(settings));
  const outcome = h("div", { id: "auto-import-outcome" });

  const enabled = h("input", { type: "checkbox", id: "auto-enabled", name: "enabled", checked: Boolean(settings.enabled) });
  const firstRun = h("input", { type: "time", id: "auto-first-run", name: "first_run", value: settings.first_run || "08:00", required: true });
  const interval = h("input", {
    type: "number",
    id: "auto-interval",
    name: "interval_hours",
    min: "4",
    max: "24",
    step: "1",
    required: true,
    value: String(settings.interval_hours ?? 4),
  });
  const perDay = h("input", {
    type: "number",
    id: "auto-per-day",
    name: "max_per_day",
    min: "1",
    max: "4",
    step: "1",
    required: true,
    value: String(settings.max_per_day ?? 4),
  });
  const save = h("button", { type: "submit", class: "primary" }, t("auto.save"));
  const form = h(
    "form",
    {
      class: "settings",
      id: "auto-import-form",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        save.disabled = true;
        outcome.replaceChildren();
        try {
          const saved = await sendJson("PUT", path, {
            enabled: enabled.checked,
            first_run: firstRun.value,
            interval_hours: Number(interval.value),
            max_per_day: Number(perDay.value),
          });
          enabled.checked = Boolean(saved.enabled);
          status.replaceChildren(availability(saved));
          outcome.replaceChildren(notice(t("auto.saved"), "success"));
        } catch (error) {
          if (error.status === 401) ctx.fail(error);
          else outcome.replaceChildren(errorPanel(error));
        } finally {
          save.disabled = false;
        }
      },
    },
    h("div", { class: "field field-check" }, enabled, h("label", { for: "auto-enabled" }, t("auto.enabled"))),
    field("auto-first-run", t("auto.first"), firstRun),
    field("auto-interval", t("auto.interval"), interval),
    field("auto-per-day", t("auto.perday"), perDay),
    h("div", { class: "actions" }, save),
  );
  ctx.show(
    heading(t("auto.title")),
    status,
    h("p", {}, t("auto.intro")),
    settings.timezone ? h("p", { class: "hint" }, t("auto.timezone", { zone: settings.timezone })) : null,
    form,
    outcome,
  );
}

function field(id, label, input) {
  return h("div", { class: "field" }, h("label", { for: id, class: "field-label" }, label), input);
}

/** Whether automatic exports are accepted now, and if not why (the API's reason, as a sentence and a code). */
function availability(settings) {
  const reason = settings.reason && typeof settings.reason === "object" ? settings.reason : null;
  if (reason && reason.code) {
    return h(
      "div",
      { class: "alert alert-warn", id: "auto-import-status", role: "status", "data-error-code": reason.code },
      h("p", {}, t("auto.refused", { reason: codeSentence("err", reason.code, reason.message) })),
      h("p", { class: "alert-code" }, t("error.code", { code: reason.code })),
    );
  }
  const facts = [];
  if (typeof settings.started_today === "number") facts.push(t("auto.started", { count: settings.started_today }));
  if (settings.next_slot) facts.push(t("auto.next", { when: formatDateTime(settings.next_slot) }));
  return h(
    "div",
    { class: "alert alert-info", id: "auto-import-status", role: "status" },
    h("p", {}, t("auto.allowed")),
    facts.map((fact) => h("p", {}, fact)),
  );
}
