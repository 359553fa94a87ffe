// The unrecognised accounts as a text file (the guide's « fichier texte »): fetched with the sign-in
// token, then handed to the browser as a download.

import { establishmentPath, getText } from "./api.js";

export async function downloadUnmatched(uai, importId) {
  const text = await getText(establishmentPath(uai, "imports", importId, "unmatched.txt"));
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `comptes-non-reconnus-${uai}-${importId}.txt`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
