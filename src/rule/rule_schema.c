/* SPDX-License-Identifier: MIT */
/*
 * rule_schema.c - the fact schema: every fact a rule may read, its type, its
 * allowed values, one line of documentation. It mirrors the deployment model
 * of DESIGN.md §3 (the scenario module's facts reach the rules through
 * facts_from_scenario()). The checker resolves every fact path of every rule
 * against these tables at load time; `faceaudit rules lint` reports schema
 * facts that no rule reads.
 */
#include "config.h"

#include <string.h>

#include "rule/rule_int.h"

#include "faceaudit/xmalloc.h"

#define B(n, d) { n, FT_BOOL, NULL, NULL, d }
#define I(n, d) { n, FT_INT, NULL, NULL, d }
#define D(n, d) { n, FT_DATE, NULL, NULL, d }
#define S(n, d) { n, FT_STRING, NULL, NULL, d }
#define E(n, v, d) { n, FT_SYMBOL, v, NULL, d }
#define O(n, t, d) { n, FT_OBJ, NULL, &t, d }
#define L(n, t, d) { n, FT_LIST, NULL, &t, d }
#define ENTITY(var, name, fields, id) \
    const struct schema_entity var = { name, fields, FA_NITEMS(fields), id }

static const char *const purposes[] = {
    "identity_verification", "identification", "access_control", "payment", "attendance",
    "public_safety", "marketing_analytics", "rnd", "algorithm_training", "other", NULL
};
static const char *const legal_bases[] = {
    "consent", "statutory_duty", "contract", "other", NULL
};
static const char *const modes[] = { "verify_1to1", "identify_1toN", NULL };
static const char *const consent_types[] = {
    "separate", "written", "bundled", "implied", "none", NULL
};
static const char *const storage_locations[] = {
    "device", "lan_server", "private_cloud", "public_cloud", "vendor", NULL
};
static const char *const transmission_bases[] = { "law", "separate_consent", "none", NULL };
static const char *const places[] = { "public_place", "private_premises", NULL };
static const char *const locations[] = {
    "entrance", "gate", "lobby", "counter", "checkout", "corridor", "platform", "street",
    "classroom", "canteen", "office", "hotel_room", "public_bath", "changing_room",
    "public_toilet", "other_private", "other", NULL
};

extern const struct schema_entity schema_site, schema_zone;

static const struct schema_field deployment_fields[] = {
    S("name", "name of the deployment"),
    S("handler", "the personal-information handler (organisation)"),
    B("in_prc", "face information is processed inside the PRC"),
    E("purpose", purposes, "main purpose of the processing"),
    B("rnd_only", "processing is only for FR research and development or algorithm training"),
    B("live_users", "the processing runs on live users (not a training set)"),
    B("purpose_specific", "a specific, documented purpose (not 'improve service')"),
    B("necessity_documented", "the sufficient necessity is analysed in writing"),
    B("least_impact_chosen", "the method with the least impact on rights was chosen"),
    E("legal_basis", legal_bases, "legal basis of the processing (PIPL Art. 13)"),
    E("mode", modes, "1:1 verification or 1:N identification"),
    D("go_live", "date processing started"),
    B("elderly_or_disabled_users", "elderly or disabled people are among those processed"),
    B("national_id_channel", "uses the national population database or online ID service"),
};
static ENTITY(schema_deployment, "deployment", deployment_fields, -1);

static const struct schema_field notice_fields[] = {
    B("exists", "individuals are notified"),
    B("before_capture", "the notice is given before any capture"),
    B("prominent", "conspicuous (separate screen or sign, not buried in a policy)"),
    B("plain_language", "clear, plain language"),
    B("has_handler_contact", "names the handler and its contact details"),
    B("has_purpose_method", "states purpose and method of processing"),
    B("has_retention", "states the retention period of face information"),
    B("has_necessity_impact", "states the necessity and the impact on rights"),
    B("has_rights_procedure", "states how individuals exercise their rights"),
    B("changed", "a notified item changed since the notice was first given"),
    B("renotified", "the changed part was notified again"),
    B("accessible", "accessible formats (voice, large print, assisted flow)"),
};
static ENTITY(schema_notice, "notice", notice_fields, -1);

static const struct schema_field consent_fields[] = {
    E("type", consent_types, "how consent is obtained"),
    B("written_required", "a law or regulation requires written consent"),
    B("withdrawal_channel", "a channel to withdraw consent exists"),
    B("withdrawal_convenient", "withdrawing is as convenient as consenting"),
};
static ENTITY(schema_consent, "consent", consent_fields, -1);

static const struct schema_field minors_fields[] = {
    B("under14_present", "minors under 14 may be processed"),
    B("guardian_consent", "consent of a parent or guardian is obtained"),
    B("dedicated_rules", "dedicated processing rules for under-14s exist"),
};
static ENTITY(schema_minors, "minors", minors_fields, -1);

static const struct schema_field alternatives_fields[] = {
    B("available", "a non-facial method achieves the same purpose"),
    B("fr_only", "face recognition is the only method offered"),
    B("offered_on_refusal", "another reasonable method is offered to those who refuse"),
    B("convenient", "the alternative is reasonable and convenient (no fee, no extra wait)"),
    B("state_mandates_fr", "a state rule requires face recognition here (cited)"),
};
static ENTITY(schema_alternatives, "alternatives", alternatives_fields, -1);

static const struct schema_field storage_fields[] = {
    E("location", storage_locations, "where face information is stored"),
    B("internet_transmission", "face information is sent out over the internet"),
    E("transmission_basis", transmission_bases, "basis for internet transmission"),
    I("retention_days", "configured retention of face information, days"),
    I("needed_days", "retention the purpose needs, days"),
    B("auto_delete", "automatic deletion at the end of the retention period"),
    I("stored_people", "individuals whose face information is stored (de-duplicated)"),
    D("reached_100k", "date the stored count reached 100,000"),
};
static ENTITY(schema_storage, "storage", storage_fields, -1);

static const struct schema_field filing_fields[] = {
    B("filed", "the filing with the provincial CAC is done"),
    D("filed_on", "date of the filing"),
    S("authority", "the CAC office filed with"),
    D("changed_on", "date of a material change to the filed information"),
    D("change_filed_on", "date the change was filed"),
    D("ceased_on", "date the use of face recognition ended"),
    D("cancelled_on", "date the filing was cancelled"),
};
static ENTITY(schema_filing, "filing", filing_fields, -1);

static const struct schema_field pia_fields[] = {
    B("done", "a personal-information impact assessment was carried out"),
    D("done_on", "date of the assessment"),
    B("covers_necessity", "assesses lawfulness, legitimacy, necessity of purpose and method"),
    B("covers_rights_impact", "assesses the impact on rights and the mitigations"),
    B("covers_risks", "assesses leak, tampering, loss and misuse risks and harms"),
    B("covers_measures", "assesses whether measures are lawful, effective, proportionate"),
    B("records_kept", "records of the processing are kept"),
    D("kept_until", "date until which the report and records are kept"),
    D("changed_on", "date the purpose or method changed"),
    D("incident_on", "date of a major security incident"),
    D("redone_on", "date of the latest re-assessment"),
};
static ENTITY(schema_pia, "pia", pia_fields, -1);

static const struct schema_field security_fields[] = {
    B("encryption_at_rest", "face information encrypted at rest"),
    B("encryption_in_transit", "face information encrypted in transit"),
    B("security_audit", "security audit logging of access to face information"),
    B("access_control", "access control (least privilege)"),
    B("authorisation_management", "authorisation management (approval, periodic review)"),
    B("intrusion_detection", "intrusion detection and prevention"),
    B("mlps_required", "the system falls under the multi-level protection scheme"),
    B("mlps_done", "MLPS grading, filing and assessment are done"),
    B("cii", "the system is critical information infrastructure"),
    B("cii_duties", "CII security duties are performed"),
};
static ENTITY(schema_security, "security", security_fields, -1);

static const struct schema_field conduct_fields[] = {
    B("misleading", "individuals are misled into face verification"),
    B("fraud", "individuals are deceived into face verification"),
    B("coercion", "individuals are coerced into face verification"),
    B("service_denied_without_fr", "service is refused to people who decline FR"),
};
static ENTITY(schema_conduct, "conduct", conduct_fields, -1);

static const struct schema_field site_fields[] = {
    S("id", "site identifier"),
    S("name", "site name"),
    E("place", places, "public place or private premises"),
    L("zones", schema_zone, "zones of the site"),
};
ENTITY(schema_site, "site", site_fields, 0);

extern const struct schema_entity schema_device;
static const struct schema_field zone_fields[] = {
    S("id", "zone identifier"),
    S("name", "zone name"),
    O("site", schema_site, "the site the zone belongs to"),
    L("devices", schema_device, "devices of the zone"),
};
ENTITY(schema_zone, "zone", zone_fields, 0);

static const struct schema_field device_fields[] = {
    S("id", "device identifier"),
    O("site", schema_site, "the device's site"),
    O("zone", schema_zone, "the device's zone"),
    E("location", locations, "kind of location the device is installed in"),
    B("identifies_people", "recognises identity (1:1 or 1:N), not only detects faces"),
    B("public_safety_need", "installed because it is necessary for public safety"),
    B("collection_area_defined", "the collection area is defined lawfully and reasonably"),
    B("signage_present", "a sign tells people face recognition is in use"),
    B("signage_prominent", "the sign is prominent and placed before the capture zone"),
    B("use_beyond_public_safety", "captures are used beyond public safety"),
};
ENTITY(schema_device, "device", device_fields, 0);

static const struct schema_field root_fields[] = {
    O("deployment", schema_deployment, "the deployment"),
    O("notice", schema_notice, "the notice (Art. 5)"),
    O("consent", schema_consent, "consent (Art. 6)"),
    O("minors", schema_minors, "minors under 14 (Art. 7)"),
    O("alternatives", schema_alternatives, "non-facial alternatives (Art. 10)"),
    O("storage", schema_storage, "storage and transmission (Arts. 8, 15)"),
    O("filing", schema_filing, "filing with the CAC (Art. 15)"),
    O("pia", schema_pia, "impact assessment (Art. 9)"),
    O("security", schema_security, "security controls (Art. 14)"),
    O("conduct", schema_conduct, "conduct towards individuals (Art. 12)"),
    L("sites", schema_site, "sites of the deployment"),
    L("zones", schema_zone, "every zone of every site"),
    L("devices", schema_device, "every device of every zone"),
};
ENTITY(schema_root, "scenario", root_fields, -1);

/* Find a field by name; *index gets its position (may be NULL). */
const struct schema_field *
schema_field_find(const struct schema_entity *e, const char *name, int *index)
{
    size_t i;

    for (i = 0; i < e->nfields; i++) {
        if (strcmp(e->fields[i].name, name) == 0) {
            if (index != NULL)
                *index = (int)i;
            return &e->fields[i];
        }
    }
    return NULL;
}

/* Position of sym in a NULL-terminated list, or -1. */
int
schema_symbol_index(const char *const *symbols, const char *sym)
{
    int i;

    for (i = 0; symbols[i] != NULL; i++) {
        if (strcmp(symbols[i], sym) == 0)
            return i;
    }
    return -1;
}

/* Field names of an entity as a NULL-terminated array (cached, never freed). */
const char *const *
schema_field_names(const struct schema_entity *e)
{
    static const struct schema_entity *ents[16];
    static const char **names[16];
    size_t i, j;

    for (i = 0; i < FA_NITEMS(ents) && ents[i] != NULL; i++) {
        if (ents[i] == e)
            return names[i];
    }
    if (i == FA_NITEMS(ents))
        i = 0;  /* cannot happen: fewer entities than slots */
    names[i] = xcalloc(e->nfields + 1, sizeof(char *));
    for (j = 0; j < e->nfields; j++)
        names[i][j] = e->fields[j].name;
    ents[i] = e;
    return names[i];
}

/* --- flat list of paths, for docs and lint ----------------------------------- */

struct schema_path {
    char *path;
    const char *type;
};

static struct schema_path *paths;
static size_t npaths;

static const char *
type_text(const struct schema_field *f)
{
    static const char *const names[] = {
        [FT_BOOL] = "bool", [FT_INT] = "int", [FT_DATE] = "date", [FT_DURATION] = "duration",
        [FT_STRING] = "string", [FT_SYMBOL] = "enum", [FT_SET] = "set", [FT_OBJ] = "object",
        [FT_LIST] = "list",
    };

    return names[f->type];
}

static void
build_paths(void)
{
    static const struct schema_entity *const ents[] = { &schema_site, &schema_zone,
        &schema_device };
    size_t i, j;

    if (paths != NULL)
        return;
    paths = xcalloc(128, sizeof *paths);
    for (i = 0; i < schema_root.nfields; i++) {
        const struct schema_field *rf = &schema_root.fields[i];

        if (rf->type != FT_OBJ)
            continue;
        for (j = 0; j < rf->ent->nfields; j++) {
            paths[npaths].path = xasprintf("%s.%s", rf->name, rf->ent->fields[j].name);
            paths[npaths++].type = type_text(&rf->ent->fields[j]);
        }
    }
    for (i = 0; i < FA_NITEMS(ents); i++) {
        for (j = 0; j < ents[i]->nfields; j++) {
            const struct schema_field *f = &ents[i]->fields[j];

            if (f->type == FT_OBJ || f->type == FT_LIST)
                continue;
            paths[npaths].path = xasprintf("%s.%s", ents[i]->name, f->name);
            paths[npaths++].type = type_text(f);
        }
    }
}

/* Number of leaf fact paths in the schema. */
size_t
facts_schema_npaths(void)
{
    build_paths();
    return npaths;
}

/* The i-th leaf fact path ("device.location"), static storage. */
const char *
facts_schema_path(size_t i)
{
    build_paths();
    return i < npaths ? paths[i].path : NULL;
}

/* Type name of the i-th leaf fact path, static storage. */
const char *
facts_schema_type(size_t i)
{
    build_paths();
    return i < npaths ? paths[i].type : NULL;
}
