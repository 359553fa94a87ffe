// The console's words, French first (the operator guide's own words on the controls), English available.

const STORAGE_KEY = "edt-import.language";

const fr = {
  "app.title": "Import EDT",
  "app.subtitle": "Emploi du temps Pronote / EDT vers itslearning",
  "nav.label": "Menu de l’import EDT",
  "nav.manual": "Import Manuel",
  "nav.history": "Historique des imports",
  "nav.auto": "Import automatique",
  "establishment.label": "Établissement (code UAI)",
  "establishment.choose": "Choisir",
  "establishment.invalid": "Saisissez un code UAI de 7 chiffres suivis d’une lettre, par exemple 0750001A.",
  "establishment.none": "Choisissez d’abord un établissement.",
  "establishment.yours": "Établissements que vous administrez :",
  "language.label": "Langue",
  "signout": "Se déconnecter",
  "signin.title": "Connexion",
  "signin.needed": "Connectez-vous pour administrer les imports d’emploi du temps de votre établissement.",
  "signin.link": "Se connecter",
  "signin.local": "En local, ouvrez l’adresse de connexion affichée par « edt-import serve », ou ajoutez à l’adresse de la console « #id_token= » suivi d’un jeton de « edt-import token ».",
  "signed.in.as": "Connecté : {who}",
  "loading": "Chargement…",
  "error.code": "Code : {code}",
  "error.retry": "Réessayer",
  "back.history": "Retour à l’historique",

  "manual.title": "Import Manuel",
  "manual.intro": "Un seul fichier peut être importé à la fois. La clé partagée entre l’ENT et Pronote est vérifiée à l’envoi.",
  "manual.file": "Fichier d’export (.xml)",
  "manual.add": "Ajouter un fichier",
  "manual.nofile": "Aucun fichier choisi.",
  "manual.chosen": "Fichier choisi : {name} ({size})",
  "manual.import": "importer",
  "manual.progress": "Envoi du fichier",
  "manual.sent": "Fichier envoyé. Vérification en cours…",
  "manual.state": "État de l’import : {status}",
  "manual.refused": "Le fichier a été refusé.",
  "manual.wait": "L’import est en attente de son tour dans la file (position {position}).",
  "manual.waiting": "Des imports attendent votre sélection :",
  "manual.resume": "Reprendre l’import du {date}",

  "steps.label": "Étapes de l’import manuel",
  "step.summary": "Vérification",
  "step.subjects": "Matières",
  "step.classes": "Classes",
  "step.groups": "Groupes",
  "step.courses": "Cours",
  "step.users": "Utilisateurs",
  "next": "Suivant",
  "previous": "Précédent",
  "validate": "Valider",

  "summary.title": "Vérification du code RNE de l’établissement",
  "summary.uai": "Établissement cible (code UAI/RNE)",
  "summary.uai.ok": "{uai} — conforme à l’établissement choisi",
  "summary.uai.other": "{found} — l’établissement choisi est {expected}",
  "summary.software": "Logiciel et version",
  "summary.year": "Année scolaire",
  "summary.warnings": "Avertissements",
  "summary.nowarning": "Aucun avertissement.",

  "subjects.title": "Sélection des matières",
  "subjects.intro": "Les matières reconnues dans le référentiel de l’ENT sont en vert, les matières non reconnues en blanc (« Ajouter » les ajoute au référentiel), les matières désactivées en rouge : elles ne seront pas importées.",
  "subjects.code": "Code",
  "subjects.label": "Matière",
  "subjects.state": "État",
  "subjects.actions": "Actions",
  "subject.recognised": "Reconnue",
  "subject.added": "Ajoutée au référentiel",
  "subject.unknown": "Non reconnue",
  "subject.disabled": "Désactivée",
  "add": "Ajouter",
  "disable": "Désactiver",
  "enable": "Activer",
  "enable.all": "Tout activer",
  "disable.all": "Tout désactiver",
  "action.on": "{action} : {name}",
  "enabled": "Activé",
  "disabled": "Désactivé",

  "classes.title": "Sélection des classes",
  "groups.title": "Sélection des groupes",
  "audience.intro": "Vert : activé, rouge : désactivé. Les cours des éléments désactivés ne seront pas créés.",
  "audience.name": "Nom",
  "audience.none": "Cet export n’en contient aucun.",
  "list.count": "{enabled} activé(s) sur {total}",

  "courses.title": "Sélection des cours à importer dans l’ENT",
  "courses.intro": "Chaque cours associe une matière à une classe ou à un groupe. Désactivez les cours que vous ne souhaitez pas synchroniser, puis cliquez sur « Valider ».",
  "courses.course": "Cours",
  "courses.teachers": "Enseignants",
  "courses.students": "Élèves",
  "courses.implied": "Désactivé par sa matière, sa classe ou son groupe",

  "users.title": "Sélection des utilisateurs : enseignants et élèves",
  "users.intro": "Les utilisateurs non reconnus apparaissent en rouge : leur emploi du temps ne sera pas importé.",
  "users.teachers": "Enseignants reconnus",
  "users.students": "Élèves reconnus",
  "users.unmatched": "Comptes non reconnus",
  "users.role": "Rôle",
  "users.name": "Nom et prénom",
  "users.reason": "Raison",
  "users.download": "Télécharger la liste des comptes non reconnus (.txt)",
  "users.none": "Tous les utilisateurs sont reconnus.",
  "users.launch": "Lancer l’import",
  "users.launched": "Import lancé. Suivez son avancement dans l’historique des imports.",
  "role.teacher": "Enseignant",
  "role.student": "Élève",

  "history.title": "Historique des imports",
  "history.refresh": "Rafraîchir",
  "history.auto": "Mise à jour automatique pendant qu’un import est en cours.",
  "history.empty": "Aucun import pour cet établissement.",
  "history.date": "Date",
  "history.kind": "Type",
  "history.status": "Statut",
  "history.queue": "File d’attente",
  "history.success": "Succès",
  "history.errors": "Erreurs",
  "history.open": "Voir le récapitulatif de l’import du {date}",
  "history.more": "Imports plus anciens",
  "kind.manual": "Manuel",
  "kind.automatic": "Automatique",
  "queue.position": "{position}ᵉ",

  "detail.title": "Récapitulatif de l’import du {date}",
  "detail.status": "Statut",
  "detail.finished": "Terminé le",
  "detail.queue": "Position dans la file d’attente",
  "detail.actions": "Actions dans l’ENT",
  "detail.kind": "Type d’action",
  "detail.succeeded": "Succès",
  "detail.failed": "Erreurs",
  "detail.skipped": "Non tentées",
  "detail.noactions": "Aucune action n’a encore été envoyée à l’ENT.",
  "detail.accounts": "Vérification des comptes",
  "detail.lessons": "Séances non importées",
  "detail.lessons.none": "Toutes les séances sont importées.",
  "detail.lesson": "Séance",
  "detail.warnings": "Avertissements",
  "detail.resume": "Reprendre la sélection (l’import attend vos choix)",
  "detail.contact": "Des actions sont en erreur : contactez l’assistance en précisant le nom de l’établissement et ce récapitulatif.",
  "held.title": "Import bloqué : suppressions à valider",
  "held.intro": "Cet import supprimerait une part importante de ce qui existe dans l’ENT. Vérifiez avant de l’autoriser.",
  "held.reasons": "Raisons",
  "held.approve": "Approuver l’import",
  "held.approved": "Import approuvé : il reprend.",
  "rekey.title": "Identifiants Pronote (IDPN) changés",
  "rekey.intro": "Des personnes connues arrivent avec un nouvel identifiant Pronote (Pronote réinstallé ?). Confirmez pour rattacher ces nouveaux identifiants aux comptes existants.",
  "rekey.count": "{count} compte(s) concerné(s)",
  "rekey.confirm": "Confirmer le changement d’identifiants",
  "rekey.confirmed": "Changement d’identifiants confirmé.",

  "auto.title": "Import automatique",
  "auto.intro": "Pronote envoie l’emploi du temps selon son propre réglage (Fichier > Socle ENT > Export automatique de l’emploi du temps). L’ENT n’accepte au plus que le nombre d’imports par jour et l’intervalle réglés ici ; les cours importés sont ceux sélectionnés au dernier import manuel.",
  "auto.enabled": "Accepter les imports automatiques",
  "auto.first": "Premier déclenchement (heure locale)",
  "auto.interval": "Intervalle minimal entre deux imports (heures, 4 au moins)",
  "auto.perday": "Imports par jour au maximum (4 au plus)",
  "auto.save": "Enregistrer",
  "auto.saved": "Réglages enregistrés.",
  "auto.refused": "Les imports automatiques sont refusés : {reason}",
  "auto.refused.nomanual": "aucun import manuel n’a encore abouti pour cet établissement. Faites d’abord un import manuel complet.",
  "auto.allowed": "Les imports automatiques sont acceptés : un import manuel a abouti.",

  "status.uploaded": "Déposé",
  "status.validating": "Vérification",
  "status.queued": "En attente",
  "status.parsing": "Lecture",
  "status.reconciling": "Rapprochement des comptes",
  "status.awaiting_selection": "En attente de sélection",
  "status.planning": "Préparation",
  "status.held": "Bloqué (suppressions à valider)",
  "status.syncing": "Synchronisation",
  "status.done": "Fait",
  "status.done_with_errors": "Fait avec erreurs",
  "status.failed": "Échec",
  "status.superseded": "Remplacé",

  "action.create_course": "Création de cours",
  "action.update_course": "Mise à jour de cours",
  "action.delete_course": "Suppression de cours",
  "action.add_member": "Ajout de participants",
  "action.remove_member": "Retrait de participants",
  "action.create_event": "Création d’événements du calendrier",
  "action.update_event": "Mise à jour d’événements du calendrier",
  "action.delete_event": "Suppression d’événements du calendrier",

  "reason.not_found": "aucun compte de l’ENT ne correspond (nom, prénom, date de naissance)",
  "reason.ambiguous": "plusieurs comptes de l’ENT correspondent",
  "reason.unknown_subject": "sa matière n’est pas déclarée dans l’export",
  "reason.class_part_only": "elle n’a qu’une partie de classe : mettez la partie de classe dans un groupe",
  "reason.no_audience": "aucune classe, aucun groupe",
  "reason.outside_grid": "son jour ou son horaire est hors de la grille",
  "reason.not_selected": "ses cours sont désactivés",

  "warning.duplicate_ident": "identifiant en double",
  "warning.lesson_outside_grid": "séance hors de la grille horaire",
  "warning.lesson_day_not_working": "séance un jour non travaillé",
  "warning.student_without_class": "élève sans classe",
  "warning.empty_section": "rubrique vide",
  "warning.invalid_uai": "code UAI non conforme",
  "warning.week1_not_monday": "la semaine 1 ne commence pas un lundi",
  "warning.dangling_reference": "référence à un élément absent de l’export",
  "warning.weeks_beyond_year": "semaines au-delà de l’année scolaire",
  "warning.other_establishments": "l’export contient d’autres établissements",
  "warning.count": "{label} ({count})",

  "err.unauthorized": "Votre connexion a expiré ou n’est pas valide : reconnectez-vous.",
  "err.forbidden_establishment": "Vous n’administrez pas cet établissement.",
  "err.forbidden": "Vous n’avez pas le droit de faire cette opération.",
  "err.not_found": "Cet élément n’existe pas ou plus.",
  "err.network": "Le serveur ne répond pas. Vérifiez votre connexion puis réessayez.",
  "err.upload_failed": "L’envoi du fichier a échoué. Réessayez.",
  "err.invalid_response": "Le serveur a renvoyé une réponse illisible.",
  "err.not_an_export": "Ce fichier n’est pas un export d’emploi du temps Pronote ou EDT.",
  "err.malformed_xml": "Le fichier est endommagé : son contenu XML est illisible.",
  "err.unsafe_xml": "Le fichier contient des constructions XML refusées par sécurité.",
  "err.too_large": "Le fichier est trop volumineux.",
  "err.partner_key_missing": "La clé partagée avec Pronote n’est pas configurée pour cet établissement.",
  "err.key_mismatch": "Le fichier n’a pas été chiffré avec la clé partagée entre l’ENT et Pronote : exportez-le à nouveau pour itslearning.",
  "err.decrypt_failed": "Le fichier n’a pas pu être déchiffré.",
  "err.content_hash_mismatch": "Le fichier est incomplet ou a été modifié après l’export.",
  "err.unsupported_version": "Cette version de Pronote ou d’EDT n’est pas prise en charge.",
  "err.uai_mismatch": "Ce fichier concerne un autre établissement.",
  "err.invalid_timetable": "L’emploi du temps du fichier est incohérent.",
  "err.import_in_progress": "Un autre import de cet établissement est en cours.",
  "err.automatic_before_manual": "Aucun import manuel n’a encore abouti pour cet établissement.",
  "err.lms_unavailable": "L’ENT ne répond pas pour le moment ; l’import sera repris.",
  "err.internal_error": "Une erreur inattendue s’est produite ; l’import peut être relancé.",
  "summary.uai.pending": "pas encore vérifié",
  "summary.more.warnings": "… et {count} autre(s) avertissement(s).",
  "detail.lessons.count": "{count} séance(s) : {reason}",
  "held.deletions": "Ce qu’il supprimerait :",
  "hold.empty_export": "l’export ne contient aucun cours",
  "hold.courses_deletions_above_threshold": "trop de cours supprimés",
  "hold.members_deletions_above_threshold": "trop de participants retirés",
  "hold.events_deletions_above_threshold": "trop d’événements du calendrier supprimés",
  "err.invalid_uai": "Le code UAI doit compter 7 chiffres suivis d’une lettre, par exemple 0750001A.",
  "err.invalid_request": "La demande contient des valeurs non valides.",
  "err.invalid_cursor": "La page demandée de l’historique n’existe plus : rafraîchissez.",
  "err.forbidden_role": "Cet accès ne permet que les imports automatiques.",
  "err.conflict": "L’état actuel de l’import ne permet pas cette opération.",
  "err.validation_error": "La demande contient des valeurs non valides.",
  "err.request_validation_error": "La demande contient des valeurs non valides.",
};

const en = {
  "app.title": "Timetable import",
  "app.subtitle": "Pronote / EDT timetable into itslearning",
  "nav.label": "Timetable import menu",
  "nav.manual": "Manual import",
  "nav.history": "Import history",
  "nav.auto": "Automatic import",
  "establishment.label": "Establishment (UAI code)",
  "establishment.choose": "Choose",
  "establishment.invalid": "Type a UAI code of 7 digits and a letter, for example 0750001A.",
  "establishment.none": "Choose an establishment first.",
  "establishment.yours": "Establishments you administer:",
  "language.label": "Language",
  "signout": "Sign out",
  "signin.title": "Sign in",
  "signin.needed": "Sign in to manage your establishment’s timetable imports.",
  "signin.link": "Sign in",
  "signin.local": "Locally, open the sign-in address printed by “edt-import serve”, or add “#id_token=” and a token from “edt-import token” to the console’s address.",
  "signed.in.as": "Signed in: {who}",
  "loading": "Loading…",
  "error.code": "Code: {code}",
  "error.retry": "Try again",
  "back.history": "Back to the history",

  "manual.title": "Manual import",
  "manual.intro": "One file at a time. The key shared by the ENT and Pronote is checked when the file is sent.",
  "manual.file": "Export file (.xml)",
  "manual.add": "Add a file",
  "manual.nofile": "No file chosen.",
  "manual.chosen": "Chosen file: {name} ({size})",
  "manual.import": "import",
  "manual.progress": "Sending the file",
  "manual.sent": "File sent. Checking it…",
  "manual.state": "Import status: {status}",
  "manual.refused": "The file was refused.",
  "manual.wait": "The import waits for its turn in the queue (position {position}).",
  "manual.waiting": "Imports waiting for your selection:",
  "manual.resume": "Resume the import of {date}",

  "steps.label": "Manual import steps",
  "step.summary": "Check",
  "step.subjects": "Subjects",
  "step.classes": "Classes",
  "step.groups": "Groups",
  "step.courses": "Courses",
  "step.users": "Users",
  "next": "Next",
  "previous": "Previous",
  "validate": "Confirm",

  "summary.title": "Checking the establishment’s UAI code",
  "summary.uai": "Target establishment (UAI/RNE code)",
  "summary.uai.ok": "{uai} — matches the chosen establishment",
  "summary.uai.other": "{found} — the chosen establishment is {expected}",
  "summary.software": "Software and version",
  "summary.year": "School year",
  "summary.warnings": "Warnings",
  "summary.nowarning": "No warning.",

  "subjects.title": "Subjects",
  "subjects.intro": "Subjects the ENT’s referential knows are green, unknown ones white (“Add” adds them to the referential), disabled ones red: they will not be imported.",
  "subjects.code": "Code",
  "subjects.label": "Subject",
  "subjects.state": "State",
  "subjects.actions": "Actions",
  "subject.recognised": "Recognised",
  "subject.added": "Added to the referential",
  "subject.unknown": "Unknown",
  "subject.disabled": "Disabled",
  "add": "Add",
  "disable": "Disable",
  "enable": "Enable",
  "enable.all": "Enable all",
  "disable.all": "Disable all",
  "action.on": "{action}: {name}",
  "enabled": "Enabled",
  "disabled": "Disabled",

  "classes.title": "Classes",
  "groups.title": "Groups",
  "audience.intro": "Green: enabled, red: disabled. No course is created for what is disabled.",
  "audience.name": "Name",
  "audience.none": "This export has none.",
  "list.count": "{enabled} enabled out of {total}",

  "courses.title": "Courses to import into the ENT",
  "courses.intro": "Each course joins a subject and a class or a group. Disable the courses you do not want synchronised, then click “Confirm”.",
  "courses.course": "Course",
  "courses.teachers": "Teachers",
  "courses.students": "Students",
  "courses.implied": "Disabled by its subject, class or group",

  "users.title": "Users: teachers and students",
  "users.intro": "Unrecognised users are shown in red: their timetable will not be imported.",
  "users.teachers": "Recognised teachers",
  "users.students": "Recognised students",
  "users.unmatched": "Unrecognised accounts",
  "users.role": "Role",
  "users.name": "Name",
  "users.reason": "Reason",
  "users.download": "Download the unrecognised accounts (.txt)",
  "users.none": "Every user is recognised.",
  "users.launch": "Launch the import",
  "users.launched": "Import launched. Follow it in the import history.",
  "role.teacher": "Teacher",
  "role.student": "Student",

  "history.title": "Import history",
  "history.refresh": "Refresh",
  "history.auto": "Refreshes by itself while an import runs.",
  "history.empty": "No import for this establishment.",
  "history.date": "Date",
  "history.kind": "Kind",
  "history.status": "Status",
  "history.queue": "Queue",
  "history.success": "Succeeded",
  "history.errors": "Errors",
  "history.open": "Open the summary of the import of {date}",
  "history.more": "Older imports",
  "kind.manual": "Manual",
  "kind.automatic": "Automatic",
  "queue.position": "#{position}",

  "detail.title": "Summary of the import of {date}",
  "detail.status": "Status",
  "detail.finished": "Finished",
  "detail.queue": "Position in the queue",
  "detail.actions": "Actions in the ENT",
  "detail.kind": "Action kind",
  "detail.succeeded": "Succeeded",
  "detail.failed": "Errors",
  "detail.skipped": "Not attempted",
  "detail.noactions": "No action has been sent to the ENT yet.",
  "detail.accounts": "Accounts",
  "detail.lessons": "Lessons not imported",
  "detail.lessons.none": "Every lesson is imported.",
  "detail.lesson": "Lesson",
  "detail.warnings": "Warnings",
  "detail.resume": "Resume the selection (the import waits for your choices)",
  "detail.contact": "Some actions failed: contact support with the establishment’s name and this summary.",
  "held.title": "Import held: deletions to approve",
  "held.intro": "This import would delete a large share of what exists in the ENT. Check before allowing it.",
  "held.reasons": "Reasons",
  "held.approve": "Approve the import",
  "held.approved": "Import approved: it goes on.",
  "rekey.title": "Pronote identifiers (IDPN) changed",
  "rekey.intro": "Known people arrive with a new Pronote identifier (Pronote reinstalled?). Confirm to attach the new identifiers to the existing accounts.",
  "rekey.count": "{count} account(s) concerned",
  "rekey.confirm": "Confirm the identifier change",
  "rekey.confirmed": "Identifier change confirmed.",

  "auto.title": "Automatic import",
  "auto.intro": "Pronote sends the timetable on its own schedule (File > ENT > Automatic timetable export). The ENT accepts at most the imports per day and the interval set here; the courses imported are those selected at the last manual import.",
  "auto.enabled": "Accept automatic imports",
  "auto.first": "First run (local time)",
  "auto.interval": "Minimum interval between two imports (hours, at least 4)",
  "auto.perday": "Imports per day at most (4 at most)",
  "auto.save": "Save",
  "auto.saved": "Settings saved.",
  "auto.refused": "Automatic imports are refused: {reason}",
  "auto.refused.nomanual": "no manual import has completed for this establishment yet. Complete a manual import first.",
  "auto.allowed": "Automatic imports are accepted: a manual import has completed.",

  "status.uploaded": "Uploaded",
  "status.validating": "Checking",
  "status.queued": "Queued",
  "status.parsing": "Reading",
  "status.reconciling": "Matching accounts",
  "status.awaiting_selection": "Waiting for the selection",
  "status.planning": "Planning",
  "status.held": "Held (deletions to approve)",
  "status.syncing": "Synchronising",
  "status.done": "Done",
  "status.done_with_errors": "Done with errors",
  "status.failed": "Failed",
  "status.superseded": "Superseded",

  "action.create_course": "Courses created",
  "action.update_course": "Courses updated",
  "action.delete_course": "Courses deleted",
  "action.add_member": "Members added",
  "action.remove_member": "Members removed",
  "action.create_event": "Calendar events created",
  "action.update_event": "Calendar events updated",
  "action.delete_event": "Calendar events deleted",

  "reason.not_found": "no ENT account matches (last name, first name, birth date)",
  "reason.ambiguous": "several ENT accounts match",
  "reason.unknown_subject": "its subject is not declared in the export",
  "reason.class_part_only": "it only has a class part: put the class part in a group",
  "reason.no_audience": "no class, no group",
  "reason.outside_grid": "its day or time is outside the grid",
  "reason.not_selected": "its courses are disabled",

  "warning.duplicate_ident": "duplicate identifier",
  "warning.lesson_outside_grid": "lesson outside the time grid",
  "warning.lesson_day_not_working": "lesson on a non-working day",
  "warning.student_without_class": "student without a class",
  "warning.empty_section": "empty section",
  "warning.invalid_uai": "malformed UAI code",
  "warning.week1_not_monday": "week 1 does not start on a Monday",
  "warning.dangling_reference": "reference to something missing from the export",
  "warning.weeks_beyond_year": "weeks beyond the school year",
  "warning.other_establishments": "the export holds other establishments",
  "warning.count": "{label} ({count})",

  "err.unauthorized": "Your sign-in has expired or is not valid: sign in again.",
  "err.forbidden_establishment": "You do not administer this establishment.",
  "err.forbidden": "You are not allowed to do this.",
  "err.not_found": "This item does not exist (any more).",
  "err.network": "The server does not answer. Check your connection and try again.",
  "err.upload_failed": "Sending the file failed. Try again.",
  "err.invalid_response": "The server sent an unreadable answer.",
  "err.not_an_export": "This file is not a Pronote or EDT timetable export.",
  "err.malformed_xml": "The file is damaged: its XML cannot be read.",
  "err.unsafe_xml": "The file holds XML constructs refused for safety.",
  "err.too_large": "The file is too large.",
  "err.partner_key_missing": "The key shared with Pronote is not set up for this establishment.",
  "err.key_mismatch": "The file was not encrypted with the key the ENT shares with Pronote: export it again for itslearning.",
  "err.decrypt_failed": "The file could not be decrypted.",
  "err.content_hash_mismatch": "The file is incomplete or was changed after the export.",
  "err.unsupported_version": "This version of Pronote or EDT is not supported.",
  "err.uai_mismatch": "This file belongs to another establishment.",
  "err.invalid_timetable": "The file’s timetable is inconsistent.",
  "err.import_in_progress": "Another import of this establishment is running.",
  "err.automatic_before_manual": "No manual import has completed for this establishment yet.",
  "err.lms_unavailable": "The ENT does not answer for now; the import will be resumed.",
  "err.internal_error": "Something unexpected happened; the import can be run again.",
  "summary.uai.pending": "not checked yet",
  "summary.more.warnings": "… and {count} more warning(s).",
  "detail.lessons.count": "{count} lesson(s): {reason}",
  "held.deletions": "What it would delete:",
  "hold.empty_export": "the export holds no course",
  "hold.courses_deletions_above_threshold": "too many courses deleted",
  "hold.members_deletions_above_threshold": "too many members removed",
  "hold.events_deletions_above_threshold": "too many calendar events deleted",
  "err.invalid_uai": "The UAI code must be seven digits and a letter, for example 0750001A.",
  "err.invalid_request": "The request holds invalid values.",
  "err.invalid_cursor": "That page of the history no longer exists: refresh.",
  "err.forbidden_role": "This access only allows automatic imports.",
  "err.conflict": "The import’s current status does not allow this.",
  "err.validation_error": "The request holds invalid values.",
  "err.request_validation_error": "The request holds invalid values.",
};

const DICTIONARIES = { fr, en };
export const LANGUAGES = [
  ["fr", "Français"],
  ["en", "English"],
];

let current = readStoredLanguage();

function readStoredLanguage() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored in DICTIONARIES ? stored : "fr";
  } catch {
    return "fr";
  }
}

export function language() {
  return current;
}

export function setLanguage(code) {
  if (!(code in DICTIONARIES)) return;
  current = code;
  document.documentElement.lang = code;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // private browsing: the choice lasts for this page only
  }
}

export function has(key) {
  return key in DICTIONARIES[current];
}

/** The sentence for `key`, with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = DICTIONARIES[current][key] ?? fr[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** An import status's label: the API's French label in French, ours otherwise. */
export function statusLabel(status, apiLabel) {
  if (current === "fr" && apiLabel) return apiLabel;
  return has(`status.${status}`) ? t(`status.${status}`) : apiLabel || status;
}

/** A code's sentence when the console knows the code, else the server's own message. */
export function codeSentence(prefix, code, fallback) {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : fallback || code;
}

const dateFormats = new Map();

export function formatDateTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  if (!dateFormats.has(current)) {
    dateFormats.set(
      current,
      new Intl.DateTimeFormat(current === "fr" ? "fr-FR" : "en-GB", {
        dateStyle: "short",
        timeStyle: "medium",
        timeZone: "Europe/Paris",
      }),
    );
  }
  return dateFormats.get(current).format(date);
}

export function formatBytes(bytes) {
  const units = current === "fr" ? ["o", "Ko", "Mo", "Go"] : ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const number = value.toLocaleString(current === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: unit ? 1 : 0 });
  return `${number} ${units[unit]}`;
}
