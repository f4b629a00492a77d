/* SPDX-License-Identifier: MIT */
/*
 * scenario_facts.c - the fact schema: every fact a rule may read, per entity
 * kind, with its type, enum values, unit, bounds and the articles of the
 * Measures that need it (reference/measures-articles.md "Audit facts").
 * This table is the single source of truth: the YAML loader, the CSV
 * importer, the saver, the man page and the rule checker all read it.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "faceaudit/scenario.h"
#include "faceaudit/str.h"
#include "scenario_int.h"

/* --- enum value lists ----------------------------------------------------- */

static const char *const purposes[] = {
    "identity_verification", "identification", "access_control", "payment", "attendance",
    "public_safety", "marketing_analytics", "customer_analytics", "rnd", "algorithm_training",
    "other", NULL
};
static const char *const legal_bases[] = {
    "consent", "contract", "employment", "statutory_duty", "public_health_emergency",
    "public_interest_news", "other_law", NULL
};
static const char *const modes[] = { "verification", "identification", "both", NULL };
static const char *const notice_items[] = {
    "handler_identity", "contact", "purpose", "method", "retention", "necessity", "impact",
    "rights", "other_legal", NULL
};
static const char *const consent_types[] = { "none", "general", "separate", "written", NULL };
static const char *const consent_whos[] = { "enrolled_members", "everyone_captured", NULL };
static const char *const age_checks[] = {
    "none", "self_declared", "id_document", "guardian", "records", NULL
};
static const char *const captures[] = { "presenting", "everyone_in_view", NULL };
static const char *const alt_methods[] = {
    "id_card", "staff_check", "access_card", "pin", "qr_code", "password", "ticket",
    "fingerprint", "other", NULL
};
static const char *const storage_locations[] = {
    "on_device", "on_premises_server", "private_cloud", "public_cloud", "vendor", NULL
};
static const char *const data_forms[] = { "raw_image", "template", "both", NULL };
static const char *const pia_contents[] = {
    "purpose_method_necessity", "rights_impact", "risks", "measures", NULL
};
static const char *const places[] = { "public_place", "private_premises", NULL };
static const char *const locations[] = {
    "entrance", "exit", "gate", "lobby", "front_desk", "reception", "counter", "corridor",
    "elevator", "platform", "concourse", "checkout", "shop_floor", "office", "classroom",
    "canteen", "dormitory", "stand", "parking", "gym_floor", "street", "atm",
    "hotel_room", "public_bath", "changing_room", "public_toilet", "other_private_space",
    "other", NULL
};
static const char *const sim_enrolments[] = { "none", "consented", "all", NULL };
static const char *const sim_purges[] = { "never", "daily", "weekly", "monthly", NULL };
static const char *const evidence_status[] = { "ok", "mismatch", "missing", "unchecked", NULL };

#define NOB INT64_MIN, INT64_MAX /* no bounds */
#define B(path, sum, art) { SCENARIO_DEPLOYMENT, path, FACT_BOOL, NULL, sum, NULL, NOB, 0, art }
#define S(path, sum, art) { SCENARIO_DEPLOYMENT, path, FACT_STRING, NULL, sum, NULL, NOB, 0, art }
#define D(path, sum, art) { SCENARIO_DEPLOYMENT, path, FACT_DATE, NULL, sum, NULL, NOB, 0, art }
#define EV(kind, path, sum, art) \
    { kind, path, FACT_STRING, NULL, sum, NULL, NOB, FACT_F_EVIDENCE, art }

/* Placement facts: on sites, zones and devices; devices and zones inherit. */
#define PLACEMENT(kind, fl) \
    { kind, "place", FACT_ENUM, places, \
      "public place (open to the public) or private premises", NULL, NOB, fl, "13" }, \
    { kind, "location", FACT_ENUM, locations, \
      "kind of location; hotel_room, public_bath, changing_room, public_toilet are private " \
      "spaces", NULL, NOB, fl, "13" }, \
    { kind, "public_safety_need", FACT_BOOL, NULL, \
      "FR here is necessary to maintain public security", NULL, NOB, fl, "13" }, \
    { kind, "collection_area_defined", FACT_BOOL, NULL, \
      "the face-collection area is set lawfully and reasonably (documented field of view)", \
      NULL, NOB, fl, "13" }, \
    { kind, "signage.present", FACT_BOOL, NULL, "a sign announces face recognition", NULL, NOB, \
      fl, "13" }, \
    { kind, "signage.prominent", FACT_BOOL, NULL, \
      "the sign is prominent and placed before the capture area", NULL, NOB, fl, "13" }, \
    { kind, "signage.evidence", FACT_STRING, NULL, "evidence id of a photo of the sign", NULL, \
      NOB, (fl) | FACT_F_EVIDENCE, "13" }

/*
 * Scoped facts: consent, notice and purposes may differ per site, zone or
 * device (a kiosk with its own consent screen); absent, they inherit from the
 * zone, the site and at last the deployment, whose fact of the same path is
 * the default (captures has none: it is only written on sites, zones and
 * devices). Rules read them per device (device.consent.type).
 */
#define SCOPED(kind) \
    { kind, "purposes", FACT_SET, purposes, \
      "purposes this device (zone, site) serves", NULL, NOB, \
      FACT_F_INHERIT, "13" }, \
    { kind, "notice.given", FACT_BOOL, NULL, \
      "people captured here are notified before processing", NULL, \
      NOB, FACT_F_INHERIT, "5" }, \
    { kind, "notice.before_capture", FACT_BOOL, NULL, \
      "the notice here is seen before any capture", NULL, NOB, \
      FACT_F_INHERIT, "5" }, \
    { kind, "consent.type", FACT_ENUM, consent_types, \
      "consent obtained here: none, general, separate, written", \
      NULL, NOB, FACT_F_INHERIT, "6,13" }, \
    { kind, "consent.who", FACT_ENUM, consent_whos, \
      "who in view has consented: enrolled_members only or everyone_captured", \
      NULL, NOB, FACT_F_INHERIT, "6" }, \
    { kind, "captures", FACT_ENUM, captures, \
      "whom the devices capture: the person presenting (a kiosk, a gate one steps up to) " \
      "or everyone_in_view (a ceiling or street camera)", NULL, NOB, FACT_F_INHERIT, "6" }

static const struct fact_def facts[] = {
    /* deployment: identity and scope */
    { SCENARIO_DEPLOYMENT, "id", FACT_STRING, NULL, "stable id of the deployment", NULL, NOB,
      FACT_F_ID, "" },
    { SCENARIO_DEPLOYMENT, "faceaudit", FACT_INT, NULL,
      "scenario format version (1, or 2: written by faceaudit scenario upgrade)", NULL, 1, 2,
      FACT_F_META, "" },
    S("name", "human-readable name of the deployment", ""),
    S("description", "what the deployment does, in a sentence or two", ""),
    { SCENARIO_DEPLOYMENT, "inventory", FACT_STRING, NULL,
      "CSV device inventory, relative to the scenario file", NULL, NOB, FACT_F_META, "" },
    S("handler.name", "personal-information handler (the organisation)", "5,15"),
    S("handler.contact", "handler's contact details as given in the notice", "5"),
    S("handler.province", "province where the handler is located (filing authority)", "15"),
    { SCENARIO_DEPLOYMENT, "purposes", FACT_SET, purposes, "purposes of the processing", NULL,
      NOB, 0, "2,4,13" },
    S("purpose_statement", "the documented, specific purpose", "4"),
    B("necessity.documented", "a written necessity analysis exists", "4"),
    B("necessity.less_intrusive_considered",
      "less intrusive alternatives were considered and documented", "4"),
    { SCENARIO_DEPLOYMENT, "legal_basis", FACT_ENUM, legal_bases,
      "legal basis of the processing (PIPL Art. 13)", NULL, NOB, 0, "6" },
    { SCENARIO_DEPLOYMENT, "mode", FACT_ENUM, modes,
      "verification (1:1), identification (1:N) or both", NULL, NOB, 0, "11,19" },
    B("processing_in_prc", "the face information is processed inside the PRC", "2"),
    B("rnd.dataset_segregated",
      "R&D or training data is kept apart from live deployment data", "2"),
    D("as_of", "date the facts describe (the audit date unless --as-of is given)", "20"),
    D("processing_start", "date face processing started (go-live)", "9,20"),
    /* notice (Art. 5) */
    B("notice.given", "individuals are notified before processing", "5"),
    B("notice.before_capture", "the notice is seen before any capture", "5"),
    B("notice.prominent", "the notice is conspicuous (separate screen or sign, not buried)", "5"),
    B("notice.plain_language", "clear, plain, truthful, accurate and complete language", "5"),
    { SCENARIO_DEPLOYMENT, "notice.items", FACT_SET, notice_items, "items the notice covers",
      NULL, NOB, 0, "5" },
    B("notice.changed", "a notified item changed since the notice was first given", "5"),
    D("notice.change_date", "date of the latest change of a notified item", "5"),
    B("notice.changes_renotified", "the changed items were notified again", "5"),
    B("notice.elderly_or_disabled_users", "elderly or disabled people are among the users", "5"),
    B("notice.accessible", "accessible formats or an assisted flow are provided", "5"),
    EV(SCENARIO_DEPLOYMENT, "notice.evidence", "evidence id of the notice text or photo", "5"),
    /* consent (Arts. 6, 7) */
    { SCENARIO_DEPLOYMENT, "consent.type", FACT_ENUM, consent_types,
      "consent obtained: none, general (bundled), separate, written", NULL, NOB, 0, "6" },
    B("consent.withdrawal_channel", "a convenient way to withdraw consent exists", "6"),
    B("consent.written_required_by_law", "a law or regulation requires written consent", "6"),
    B("consent.records_kept", "consent records (who, when, what) are kept", "6"),
    { SCENARIO_DEPLOYMENT, "consent.who", FACT_ENUM, consent_whos,
      "who in view has consented: enrolled_members only, or everyone_captured", NULL, NOB, 0,
      "6" },
    B("consent.withdrawal_as_easy", "withdrawing consent is as easy as giving it", "6"),
    B("consent.withdrawal_deletes_template",
      "on withdrawal the person's face template and images are deleted", "6"),
    { SCENARIO_DEPLOYMENT, "consent.collected_from", FACT_DATE, NULL,
      "date consent collection began (before it consent.type reads none)", NULL, NOB,
      FACT_F_EVENT, "6" },
    EV(SCENARIO_DEPLOYMENT, "consent.evidence", "evidence id of the consent form or screen", "6"),
    B("minors.processes_under_14", "face information of children under 14 is processed", "7"),
    B("minors.guardian_consent", "a parent or guardian consents for children under 14", "7"),
    B("minors.dedicated_rules", "dedicated processing rules for under-14s exist", "7"),
    EV(SCENARIO_DEPLOYMENT, "minors.evidence", "evidence id of the guardian consent or rules", "7"),
    /* data subjects' ages (Art. 7) */
    { SCENARIO_DEPLOYMENT, "subjects.min_age", FACT_INT, NULL,
      "youngest age of the people whose faces are processed", "years", 0, 150, 0, "7" },
    { SCENARIO_DEPLOYMENT, "subjects.share_under_14", FACT_NUMBER, NULL,
      "share of the people processed who are under 14 (0-1)", NULL, NOB, 0, "7" },
    { SCENARIO_DEPLOYMENT, "subjects.age_check", FACT_ENUM, age_checks,
      "how age is checked: none, self_declared, id_document, guardian (declared by one), "
      "records (school or membership records)", NULL, NOB, 0, "7" },
    /* alternatives (Art. 10) */
    B("alternatives.non_facial_exists",
      "a non-facial method could achieve the same purpose", "10"),
    { SCENARIO_DEPLOYMENT, "alternatives.methods", FACT_SET, alt_methods,
      "non-facial methods actually offered", NULL, NOB, 0, "10" },
    B("alternatives.offered_on_refusal",
      "someone who refuses FR is offered another reasonable, convenient way", "10"),
    B("alternatives.convenient", "the alternative costs no more and takes about as long", "10"),
    B("alternatives.fr_only_way", "face recognition is the only way to get the service", "10"),
    B("alternatives.state_rule_requires_fr", "a state provision requires FR here", "10"),
    S("alternatives.state_rule_citation", "citation of the provision requiring FR", "10"),
    /* national identity channels (Art. 11) */
    B("national_id.uses_channel",
      "uses the national population database or online identity service", "11"),
    S("national_id.channel", "which national channel", "11"),
    B("national_id.self_built_gallery", "the handler keeps its own face gallery", "11"),
    /* conduct (Arts. 10, 12) */
    B("conduct.misleading_claims", "people are misled into FR (e.g. told it is mandatory)", "12"),
    B("conduct.fraud", "people are deceived into FR", "12"),
    B("conduct.coercion", "people are coerced into FR (penalties, delays, pressure)", "12"),
    B("conduct.service_denied_without_fr", "service is refused to people who decline FR",
      "10,12"),
    /* storage (Arts. 8, 15) */
    B("storage.on_device", "face information is stored only inside the FR device", "8"),
    { SCENARIO_DEPLOYMENT, "storage.location", FACT_ENUM, storage_locations,
      "where face information is stored", NULL, NOB, 0, "8" },
    { SCENARIO_DEPLOYMENT, "storage.data_form", FACT_ENUM, data_forms,
      "what is stored: raw images, templates or both", NULL, NOB, 0, "8,14" },
    B("storage.transmitted_over_internet", "face information is sent out over the Internet", "8"),
    B("storage.transmission_separate_consent", "separate consent covers that transmission", "8"),
    B("storage.transmission_required_by_law", "a law or regulation requires the transmission", "8"),
    { SCENARIO_DEPLOYMENT, "storage.retention_days", FACT_INT, NULL,
      "configured retention of face information", "days", 0, 36500, 0, "8" },
    { SCENARIO_DEPLOYMENT, "storage.retention_needed_days", FACT_INT, NULL,
      "shortest retention the purpose needs", "days", 0, 36500, 0, "8" },
    B("storage.law_requires_longer_retention", "a law or regulation sets a longer retention", "8"),
    B("storage.auto_deletion", "face information is deleted automatically when due", "8"),
    { SCENARIO_DEPLOYMENT, "storage.stored_persons", FACT_INT, NULL,
      "individuals whose face information is stored now (de-duplicated)", "people", 0,
      INT64_C(2000000000), 0, "15" },
    { SCENARIO_DEPLOYMENT, "storage.declared_stored_persons", FACT_INT, NULL,
      "the stored count as declared, kept here by simulate and replay while "
      "storage.stored_persons holds the simulated count", "people", 0, INT64_C(2000000000), 0,
      "15" },
    B("storage.stored_persons_simulated",
      "storage.stored_persons holds a simulated count (set by simulate and replay; the "
      "declared count is then storage.declared_stored_persons)", "15"),
    D("storage.reached_100k_date", "date the stored count reached 100,000", "15"),
    { SCENARIO_DEPLOYMENT, "storage.count_on_2025_06_01", FACT_INT, NULL,
      "individuals stored on 2025-06-01 (transitional filing deadline 2025-07-14)", "people", 0,
      INT64_C(2000000000), 0, "15" },
    /* observed in the recorded footage (faceaudit replay), one day at a time */
    { SCENARIO_DEPLOYMENT, "observed.people_per_day", FACT_INT, NULL,
      "observed: distinct people in the day's footage, summed over the devices (people are "
      "merged within a device's day)", "people", 0, INT64_C(2000000000), 0, "15" },
    S("observed.method", "observed: how the footage was analysed (detector, sampling, "
      "tracker, merge)", ""),
    /* filing (Art. 15) */
    B("filing.filed", "the FR application is filed with the provincial CAC", "15"),
    D("filing.date", "date the filing was completed", "15"),
    S("filing.authority", "authority filed with", "15"),
    S("filing.receipt", "filing number or receipt", "15"),
    EV(SCENARIO_DEPLOYMENT, "filing.evidence", "evidence id of the filing receipt", "15"),
    D("filing.cessation_date", "date face recognition use ceased", "15"),
    B("filing.cessation_filed", "the filing was cancelled after cessation", "15"),
    D("filing.cessation_filed_date", "date the cancellation was filed", "15"),
    B("filing.data_disposed", "face information was disposed of after cessation", "15"),
    /* impact assessment (Art. 9) */
    B("impact_assessment.done", "a personal-information protection impact assessment exists",
      "9"),
    D("impact_assessment.date", "date of the assessment", "9"),
    B("impact_assessment.before_processing", "the assessment was done before processing began",
      "9"),
    { SCENARIO_DEPLOYMENT, "impact_assessment.contents", FACT_SET, pia_contents,
      "what the assessment covers", NULL, NOB, 0, "9" },
    B("impact_assessment.records_kept", "processing records are kept", "9"),
    { SCENARIO_DEPLOYMENT, "impact_assessment.kept_until", FACT_DATE, NULL,
      "date until which report and records are kept", NULL, NOB, FACT_F_FUTURE_OK, "9" },
    B("impact_assessment.purpose_or_method_changed",
      "purpose or method changed after the assessment", "9"),
    D("impact_assessment.change_date", "date of that change", "9"),
    B("impact_assessment.major_incident", "a major security incident happened since", "9"),
    D("impact_assessment.incident_date", "date of the incident", "9"),
    B("impact_assessment.redone", "the assessment was redone after the change or incident", "9"),
    D("impact_assessment.redone_date", "date of the new assessment", "9"),
    EV(SCENARIO_DEPLOYMENT, "impact_assessment.evidence", "evidence id of the assessment report",
      "9"),
    /* security controls (Art. 14) */
    B("security.encryption_at_rest", "face data is encrypted at rest", "14"),
    B("security.encryption_in_transit", "face data is encrypted in transit", "14"),
    B("security.security_audit", "access to face data is logged and audited", "14"),
    B("security.access_control", "access control (least privilege) is enforced", "14"),
    B("security.authorisation_management", "authorisations are approved and reviewed", "14"),
    B("security.intrusion_detection", "intrusion detection is in place", "14"),
    B("security.intrusion_prevention", "intrusion prevention is in place", "14"),
    { SCENARIO_DEPLOYMENT, "security.mlps_level", FACT_INT, NULL,
      "multi-level protection scheme level (0 = not graded)", NULL, 0, 5, 0, "14" },
    B("security.mlps_filed", "MLPS grading is filed", "14"),
    B("security.is_cii", "the system is critical information infrastructure", "14"),
    B("security.cii_duties", "CII security protection duties are performed", "14"),
    EV(SCENARIO_DEPLOYMENT, "security.evidence", "evidence id of a security assessment", "14"),

    /* simulation parameters (faceaudit simulate; not compliance facts) */
#define SIMN(path, sum, unit) \
    { SCENARIO_DEPLOYMENT, path, FACT_NUMBER, NULL, sum, unit, NOB, FACT_F_META, "" }
#define SIMI(path, sum, unit, lo, hi) \
    { SCENARIO_DEPLOYMENT, path, FACT_INT, NULL, sum, unit, lo, hi, FACT_F_META, "" }
    { SCENARIO_DEPLOYMENT, "simulation.start", FACT_DATE, NULL,
      "first simulated day (default: the as-of date)", NULL, NOB, FACT_F_META | FACT_F_FUTURE_OK,
      "" },
    SIMI("simulation.days", "number of simulated days", "days", 1, 3660),
    SIMI("simulation.seed", "random seed", NULL, 0, INT64_MAX),
    SIMI("simulation.devices", "FR devices receiving arrivals (default: devices that identify "
      "people)", NULL, 1, 100000),
    SIMN("simulation.arrivals_weekday", "mean arrivals per device per weekday", "people"),
    SIMN("simulation.arrivals_weekend", "mean arrivals per device per Saturday or Sunday",
      "people"),
    SIMI("simulation.population", "distinct people who may ever come", "people", 1, 50000000),
    SIMN("simulation.returning_rate", "share of arrivals who came before (0-1)", NULL),
    SIMN("simulation.share_under14", "share of people under 14 (0-1)", NULL),
    SIMN("simulation.share_refuse", "share of people who refuse FR (0-1)", NULL),
    SIMN("simulation.guardian_consent", "share of under-14s whose guardian consented (0-1)",
      NULL),
    { SCENARIO_DEPLOYMENT, "simulation.enrolment", FACT_ENUM, sim_enrolments,
      "who gets a stored template: none (1:1 only), consented, all", NULL, NOB, FACT_F_META,
      "" },
    { SCENARIO_DEPLOYMENT, "simulation.purge", FACT_ENUM, sim_purges,
      "when expired templates are deleted", NULL, NOB, FACT_F_META, "" },
    SIMN("simulation.fnmr", "false non-match rate of an enrolled person (0-1)", NULL),
    SIMN("simulation.fpir", "false positive identification rate (0-1)", NULL),
    SIMI("simulation.initial_stored", "people already stored on the first day", "people", 0,
      50000000),
#undef SIMN
#undef SIMI

    /* site */
    { SCENARIO_SITE, "id", FACT_STRING, NULL, "stable id of the site", NULL, NOB, FACT_F_ID, "" },
    { SCENARIO_SITE, "name", FACT_STRING, NULL, "name of the site", NULL, NOB, 0, "" },
    { SCENARIO_SITE, "address", FACT_STRING, NULL, "address", NULL, NOB, 0, "" },
    PLACEMENT(SCENARIO_SITE, 0),
    SCOPED(SCENARIO_SITE),

    /* zone */
    { SCENARIO_ZONE, "id", FACT_STRING, NULL, "stable id of the zone", NULL, NOB, FACT_F_ID, "" },
    { SCENARIO_ZONE, "name", FACT_STRING, NULL, "name of the zone", NULL, NOB, 0, "" },
    PLACEMENT(SCENARIO_ZONE, FACT_F_INHERIT),
    SCOPED(SCENARIO_ZONE),

    /* device */
    { SCENARIO_DEVICE, "id", FACT_STRING, NULL, "stable id of the device", NULL, NOB, FACT_F_ID,
      "" },
    { SCENARIO_DEVICE, "name", FACT_STRING, NULL, "name or label", NULL, NOB, 0, "" },
    { SCENARIO_DEVICE, "model", FACT_STRING, NULL, "make and model", NULL, NOB, 0, "" },
    { SCENARIO_DEVICE, "identifies_people", FACT_BOOL, NULL,
      "recognises identity (false: only detects or counts faces)", NULL, NOB, 0, "13,19" },
    { SCENARIO_DEVICE, "stores_faces", FACT_BOOL, NULL, "keeps face information on the device",
      NULL, NOB, 0, "8" },
    { SCENARIO_DEVICE, "capture_distance_m", FACT_NUMBER, NULL, "maximum capture distance",
      "metres", NOB, 0, "13" },
    { SCENARIO_DEVICE, "collection_area", FACT_STRING, NULL,
      "the collection area in the device's footage, a polygon \"x,y x,y x,y ...\" in image "
      "pixels (faceaudit replay counts the faces captured outside it)", NULL, NOB, 0, "" },
    { SCENARIO_DEVICE, "installed", FACT_DATE, NULL,
      "installation date (the device does not exist before it)", NULL, NOB, 0, "" },
    { SCENARIO_DEVICE, "removed", FACT_DATE, NULL,
      "date the device was removed (it does not exist from that day)", NULL, NOB, FACT_F_EVENT,
      "" },
    PLACEMENT(SCENARIO_DEVICE, FACT_F_INHERIT),
    SCOPED(SCENARIO_DEVICE),
    /* observed in the device's recorded footage, one day at a time (faceaudit replay) */
    { SCENARIO_DEVICE, "observed.outside_percent", FACT_NUMBER, NULL,
      "observed: percentage of the day's face tracks with a capture outside the "
      "collection_area (written by faceaudit replay from the footage)", "percent", NOB, 0, "13" },
    { SCENARIO_DEVICE, "observed.max_in_view", FACT_INT, NULL,
      "observed: the most faces in view in one frame that day", "faces", 0, 1000000, 0, "6" },
    { SCENARIO_DEVICE, "observed.bystanders", FACT_INT, NULL,
      "observed: face tracks seen in view together with another face that day", "tracks", 0,
      INT64_C(2000000000), 0, "6" },
    { SCENARIO_DEVICE, "observed.people", FACT_INT, NULL,
      "observed: distinct people in the device's footage that day", "people", 0,
      INT64_C(2000000000), 0, "15" },
    { SCENARIO_DEVICE, "observed.under_14_percent", FACT_NUMBER, NULL,
      "observed: estimated percentage of the day's people under 14 (age estimates)", "percent", NOB,
      0, "7" },
    { SCENARIO_DEVICE, "observed.under_14_percent_lo", FACT_NUMBER, NULL,
      "observed: the lower end of that percentage's interval", "percent", NOB, 0, "7" },
    { SCENARIO_DEVICE, "observed.under_14_percent_hi", FACT_NUMBER, NULL,
      "observed: the upper end of that percentage's interval", "percent", NOB, 0, "7" },
    { SCENARIO_DEVICE, "observed.footage", FACT_STRING, NULL,
      "observed: the recordings the device's observed facts come from (file, start, length)",
      NULL, NOB, 0, "" },

    /* evidence */
    { SCENARIO_EVIDENCE, "id", FACT_STRING, NULL, "stable id other facts use to cite it", NULL,
      NOB, FACT_F_ID, "" },
    { SCENARIO_EVIDENCE, "file", FACT_STRING, NULL,
      "path of the file, relative to the scenario's folder", NULL, NOB, 0, "" },
    { SCENARIO_EVIDENCE, "sha256", FACT_STRING, NULL, "SHA-256 of the file (64 hex digits)", NULL,
      NOB, 0, "" },
    { SCENARIO_EVIDENCE, "description", FACT_STRING, NULL, "what the file shows", NULL, NOB, 0,
      "" },
    { SCENARIO_EVIDENCE, "status", FACT_ENUM, evidence_status,
      "computed on load: ok, mismatch (hash differs), missing (no file), unchecked", NULL, NOB,
      FACT_F_COMPUTED, "" },

    /* filing change */
    { SCENARIO_FILING_CHANGE, "id", FACT_STRING, NULL, "stable id of the change", NULL, NOB,
      FACT_F_ID, "" },
    { SCENARIO_FILING_CHANGE, "description", FACT_STRING, NULL, "what changed", NULL, NOB, 0,
      "15" },
    { SCENARIO_FILING_CHANGE, "date", FACT_DATE, NULL, "date of the change", NULL, NOB, 0, "15" },
    { SCENARIO_FILING_CHANGE, "material", FACT_BOOL, NULL,
      "a material change of filed information", NULL, NOB, 0, "15" },
    { SCENARIO_FILING_CHANGE, "filed", FACT_BOOL, NULL, "the change was filed", NULL, NOB, 0,
      "15" },
    { SCENARIO_FILING_CHANGE, "filed_date", FACT_DATE, NULL, "date the change was filed", NULL,
      NOB, 0, "15" },
};

static const char *const kind_names[SCENARIO_KIND_COUNT] = {
    "deployment", "site", "zone", "device", "evidence", "filing_change"
};

/* Where each collection sits in its parent's mapping (see scenario.h ENTITIES). */
const struct scenario_collection scenario_collections[] = {
    { SCENARIO_SITE, SCENARIO_DEPLOYMENT, "sites", SCENARIO_MAX_SITES },
    { SCENARIO_ZONE, SCENARIO_SITE, "zones", SCENARIO_MAX_ZONES },
    { SCENARIO_DEVICE, SCENARIO_ZONE, "devices", SCENARIO_MAX_DEVICES },
    { SCENARIO_EVIDENCE, SCENARIO_DEPLOYMENT, "evidence", SCENARIO_MAX_EVIDENCE },
    { SCENARIO_FILING_CHANGE, SCENARIO_DEPLOYMENT, "filing.changes", SCENARIO_MAX_CHANGES },
};
const size_t scenario_ncollections = FA_NITEMS(scenario_collections);

const char *
scenario_kind_name(enum scenario_kind kind)
{
    return (unsigned)kind < SCENARIO_KIND_COUNT ? kind_names[kind] : "?";
}

int
scenario_kind_from_name(const char *name)
{
    int k;

    for (k = 0; k < SCENARIO_KIND_COUNT; k++) {
        if (strcmp(kind_names[k], name) == 0)
            return k;
    }
    return -1;
}

/* The parent kind of a kind, or -1 for the deployment. */
int
scenario_parent_kind(enum scenario_kind kind)
{
    size_t i;

    for (i = 0; i < scenario_ncollections; i++) {
        if (scenario_collections[i].kind == kind)
            return (int)scenario_collections[i].parent;
    }
    return -1;
}

const char *
scenario_fact_type_name(enum fact_type type)
{
    static const char *const names[] = { "bool", "int", "number", "string", "date", "enum",
        "set" };

    return (unsigned)type < FA_NITEMS(names) ? names[type] : "?";
}

size_t
scenario_fact_count(void)
{
    return FA_NITEMS(facts);
}

const struct fact_def *
scenario_fact_at(size_t i)
{
    return i < FA_NITEMS(facts) ? &facts[i] : NULL;
}

static size_t kind_first[SCENARIO_KIND_COUNT], kind_n[SCENARIO_KIND_COUNT];

static void
kind_ranges(void)
{
    size_t i;

    for (i = 0; i < FA_NITEMS(facts); i++) {
        if (kind_n[facts[i].kind]++ == 0)
            kind_first[facts[i].kind] = i;
    }
}

/*
 * Facts of one kind are contiguous in facts[] and the id comes first:
 * first index and count, computed once per process.
 */
void
scenario_kind_facts(enum scenario_kind kind, size_t *first, size_t *n)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, kind_ranges);
    *first = kind_first[kind];
    *n = kind_n[kind];
}

size_t
scenario_fact_slot(const struct fact_def *def)
{
    size_t first, n;

    scenario_kind_facts(def->kind, &first, &n);
    return (size_t)(def - facts) - first;
}

/* The fact named exactly `path` on `kind` (no ancestor prefixes), or NULL. */
const struct fact_def *
scenario_fact_lookup(enum scenario_kind kind, const char *path)
{
    size_t first, n, i;

    scenario_kind_facts(kind, &first, &n);
    for (i = first; i < first + n; i++) {
        if (strcmp(facts[i].path, path) == 0)
            return &facts[i];
    }
    return NULL;
}

const struct fact_def *
scenario_fact_find(enum scenario_kind kind, const char *path, const char **hint)
{
    const struct fact_def *def;
    const char *cands[FA_NITEMS(facts) + 1];
    size_t first, n, i, nc = 0;
    int k;

    if (hint != NULL)
        *hint = NULL;
    if ((unsigned)kind >= SCENARIO_KIND_COUNT || path == NULL)
        return NULL;
    if ((def = scenario_fact_lookup(kind, path)) != NULL)
        return def;
    /* "zone.location" from a device: walk up the ancestors. */
    for (k = scenario_parent_kind(kind); k >= 0; k = scenario_parent_kind((enum scenario_kind)k)) {
        size_t len = strlen(kind_names[k]);

        if (strncmp(path, kind_names[k], len) == 0 && path[len] == '.')
            return scenario_fact_find((enum scenario_kind)k, path + len + 1, hint);
    }
    if (hint != NULL) {
        scenario_kind_facts(kind, &first, &n);
        for (i = first; i < first + n; i++)
            cands[nc++] = facts[i].path;
        cands[nc] = NULL;
        *hint = str_suggest(path, cands);
    }
    return NULL;
}

int
scenario_fact_value_index(const struct fact_def *def, const char *name)
{
    int i;

    if (def->values == NULL)
        return -1;
    for (i = 0; def->values[i] != NULL; i++) {
        if (strcmp(def->values[i], name) == 0)
            return i;
    }
    return -1;
}
