// « Import Manuel »: one file chosen with « Ajouter un fichier », sent with « importer » through the
// presigned URL (a progress bar), then followed until the wizard can start or the file is refused.

import { ApiError, establishmentPath, getJson, sendJson } from "../api.js";
import { h } from "../dom.js";
import { formatBytes, formatDateTime, statusLabel, t } from "../i18n.js";
import { errorOf } from "../import_facts.js";
import { sendFile } from "../upload.js";
import { errorPanel, heading } from "./messages.js";

const POLL_MS = 1000;
// Where an import goes once its file is read: the wizard, or (already past it) its summary.
const WIZARD_READY = "awaiting_selection";
const PAST_WIZARD = new Set(["planning", "held", "syncing", "done", "done_with_errors", "superseded"]);

export async function manualImportScreen(ctx) {
  const { uai } = ctx;
  let chosen = null;
  // Imports already waiting for their selection (a wizard left half-way) can be resumed from here.
  const recent = await getJson(establishmentPath(uai, "imports"));
  const waiting = (Array.isArray(recent.items) ? recent.items : []).filter((item) => item.status === WIZARD_READY);

  const fileInput = h("input", {
    type: "file",
    id: "export-file",
    class: "file-input",
    accept: ".xml,.XML,application/xml,text/xml",
    "aria-describedby": "export-file-name",
    tabindex: "-1",
  });
  const fileName = h("p", { id: "export-file-name", class: "file-name", "aria-live": "polite" }, t("manual.nofile"));
  const addButton = h(
    "button",
    { type: "button", class: "secondary", id: "add-file", onclick: () => fileInput.click() },
    t("manual.add"),
  );
  const importButton = h("button", { type: "submit", class: "primary", id: "import-button", disabled: true }, t("manual.import"));
  const bar = h("progress", { id: "upload-progress", max: "100", value: "0" });
  const percent = h("span", { class: "progress-value", "aria-hidden": "true" }, "0 %");
  const progress = h(
    "div",
    { class: "progress", hidden: true },
    h("label", { for: "upload-progress" }, t("manual.progress")),
    bar,
    percent,
  );
  const stateLine = h("p", { id: "import-state", role: "status", class: "import-state" });
  const problems = h("div", { id: "import-problems" });

  fileInput.addEventListener("change", () => {
    chosen = fileInput.files && fileInput.files.length ? fileInput.files[0] : null;
    fileName.textContent = chosen ? t("manual.chosen", { name: chosen.name, size: formatBytes(chosen.size) }) : t("manual.nofile");
    importButton.disabled = !chosen;
    problems.replaceChildren();
  });

  const setProgress = (fraction) => {
    const value = Math.round(fraction * 100);
    bar.value = value;
    bar.setAttribute("aria-valuetext", `${value} %`);
    percent.textContent = `${value} %`;
  };

  const form = h(
    "form",
    {
      class: "upload-form",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!chosen) return;
        importButton.disabled = true;
        addButton.disabled = true;
        problems.replaceChildren();
        stateLine.textContent = "";
        try {
          progress.hidden = false;
          setProgress(0);
          const created = await sendJson("POST", establishmentPath(uai, "imports"), { kind: "manual" });
          await sendFile(created.upload, chosen, setProgress);
          stateLine.textContent = t("manual.sent");
          await follow(ctx, created.import_id, stateLine, problems);
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) {
            ctx.fail(error);
            return;
          }
          problems.replaceChildren(errorPanel(error));
        } finally {
          addButton.disabled = false;
          importButton.disabled = !chosen;
        }
      },
    },
    h(
      "div",
      { class: "field" },
      h("label", { for: "export-file", class: "field-label" }, t("manual.file")),
      fileInput,
      h("div", { class: "file-row" }, addButton, fileName),
    ),
    h("div", { class: "actions" }, importButton),
    progress,
  );

  ctx.show(
    heading(t("manual.title")),
    waiting.length ? resumeList(ctx, waiting) : null,
    h("p", {}, t("manual.intro")),
    form,
    stateLine,
    problems,
  );
}

function resumeList(ctx, waiting) {
  return h(
    "div",
    { class: "alert alert-warn", id: "waiting-imports" },
    h("p", {}, t("manual.waiting")),
    h(
      "ul",
      { class: "plain-list" },
      waiting.map((item) =>
        h(
          "li",
          {},
          h("a", { href: `#/${ctx.uai}/imports/${encodeURIComponent(item.import_id)}/summary` }, t("manual.resume", { date: formatDateTime(item.created_at) })),
        ),
      ),
    ),
  );
}

/** Follow the new import until its file is read: then the wizard; or its refusal, as a sentence and a code. */
async function follow(ctx, importId, stateLine, problems) {
  const path = establishmentPath(ctx.uai, "imports", importId);
  while (ctx.active) {
    let doc = null;
    try {
      doc = await getJson(path);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error; // not recorded yet
    }
    if (doc) {
      const status = doc.status;
      stateLine.textContent = t("manual.state", { status: statusLabel(status, doc.status_label) });
      if (status === "queued" && doc.queue_position) {
        stateLine.textContent += ` ${t("manual.wait", { position: doc.queue_position })}`;
      }
      if (status === WIZARD_READY) {
        ctx.navigate(`/${ctx.uai}/imports/${importId}/summary`);
        return;
      }
      if (PAST_WIZARD.has(status)) {
        ctx.navigate(`/${ctx.uai}/history/${importId}`);
        return;
      }
      if (status === "failed") {
        stateLine.textContent = t("manual.refused");
        problems.replaceChildren(errorPanel(errorOf(doc) || { code: "internal_error" }));
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
