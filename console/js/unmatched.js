// The unrecognised accounts as a text file (the guide's « fichier texte »).

import { establishmentPath } from "./api.js";
import { downloadText } from "./text_download.js";

export function downloadUnmatched(uai, importId) {
  return downloadText(establishmentPath(uai, "imports", importId, "unmatched.txt"), `comptes-non-reconnus-${uai}-${importId}.txt`);
}
