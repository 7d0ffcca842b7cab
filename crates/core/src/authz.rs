//! Roles and the authorisation rules. Deny by default: an action is allowed only
//! where a rule below says so, and the web layer asks this module before every
//! read or change of internal data.

use crate::org::labelled_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

labelled_enum! {
    /// The roles a user can hold. Each grant is scoped (see [`Grant`]).
    Role {
        PlanningOffice = "planning_office", "Ufficio di Piano";
        UnitEditor = "unit_editor", "Referente";
        ThirdSector = "third_sector", "Ente del Terzo Settore";
        Viewer = "viewer", "Consultazione";
        Region = "region", "Regione";
    }
}

impl Role {
    pub fn description(self) -> &'static str {
        match self {
            Role::PlanningOffice => "Amministra tutto nella propria zona.",
            Role::UnitEditor => "Compila le attività delle proprie unità.",
            Role::ThirdSector => "Gestisce i dati e le domande del proprio ente.",
            Role::Viewer => "Consulta tutti i dati interni, senza modificarli.",
            Role::Region => "Consulta tutte le zone della regione e cura il quadro regionale: piani regionali, vocabolari, standard DM 77/2022.",
        }
    }
}

/// One role held by a user, with its scope: every grant has a zone; a unit
/// editor's grant also names the unit, a third-sector grant the organisation.
/// A regional grant is held in a zone and reaches every zone of that zone's
/// region (see [`Principal::region_zones`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub zone_id: i64,
    pub unit_id: Option<i64>,
    pub organisation_id: Option<i64>,
}

impl Grant {
    /// A grant is well formed when it carries exactly the scope its role needs.
    pub fn check_scope(&self) -> Result<(), String> {
        match (self.role, self.unit_id, self.organisation_id) {
            (Role::UnitEditor, Some(_), None) => Ok(()),
            (Role::UnitEditor, _, _) => Err("Il ruolo Referente richiede un'unità.".into()),
            (Role::ThirdSector, None, Some(_)) => Ok(()),
            (Role::ThirdSector, _, _) => {
                Err("Il ruolo Ente del Terzo Settore richiede un ente.".into())
            }
            (Role::PlanningOffice | Role::Viewer | Role::Region, None, None) => Ok(()),
            (Role::PlanningOffice | Role::Viewer | Role::Region, _, _) => {
                Err("Questo ruolo vale per tutta la zona: non indicare unità o ente.".into())
            }
        }
    }
}

/// Who is asking. `None` in the web layer means the anonymous public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub grants: Vec<Grant>,
    /// The regions of the caller's regional grants, and every zone of them:
    /// what a regional grant reaches, read from the territory when the
    /// caller is loaded.
    pub regions: Vec<i64>,
    pub region_zones: Vec<i64>,
}

/// What is being asked. Every route maps to one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read what is published: open to everyone, anonymous included.
    ReadPublic,
    /// See one's own home page and account; any signed-in user.
    UseAccount,
    /// Read internal data of a zone (organisations, units, plans).
    ReadInternal { zone_id: i64 },
    /// Read the administration pages of a zone (territory, organisations,
    /// units): the planning office and viewers, not unit editors.
    ReadAdministration { zone_id: i64 },
    /// Create, edit or deactivate anything in a zone, manage users and roles.
    Administer { zone_id: i64 },
    /// Read the audit log of a zone.
    ReadAudit { zone_id: i64 },
    /// Edit the data belonging to one unit (its activities).
    EditUnit { zone_id: i64, unit_id: i64 },
    /// Read or edit the data of one organisation (a third-sector body's own record).
    ManageOrganisation { zone_id: i64, organisation_id: i64 },
    /// Edit what the zones of a region share: the regional plans (PSSIR)
    /// and their objectives, the controlled vocabularies, the DM 77/2022
    /// standards, the region's record.
    EditRegionalFrame { region_id: i64 },
    /// Read the region's views across its zones (the comparison of their
    /// plans).
    ReadRegion { region_id: i64 },
}

impl Principal {
    fn has(&self, f: impl Fn(&Grant) -> bool) -> bool {
        self.grants.iter().any(f)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.has(|g| g.role == role)
    }

    pub fn roles(&self) -> Vec<Role> {
        let mut r: Vec<Role> = Vec::new();
        for g in &self.grants {
            if !r.contains(&g.role) {
                r.push(g.role);
            }
        }
        r
    }

    /// The zone the user works in: the zone of the first grant.
    pub fn home_zone(&self) -> Option<i64> {
        self.grants.first().map(|g| g.zone_id)
    }

    pub fn unit_ids(&self) -> Vec<i64> {
        self.grants.iter().filter_map(|g| g.unit_id).collect()
    }

    pub fn organisation_ids(&self) -> Vec<i64> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::ThirdSector)
            .filter_map(|g| g.organisation_id)
            .collect()
    }
}

/// The single authorisation rule of zona.
pub fn allows(who: Option<&Principal>, action: Action) -> bool {
    use Action::*;
    let Some(p) = who else {
        return matches!(action, ReadPublic);
    };
    let office = |zone: i64| p.has(|g| g.role == Role::PlanningOffice && g.zone_id == zone);
    // The region reads every zone of its regions, as their offices do, and
    // changes none of them.
    let region = |zone: i64| p.region_zones.contains(&zone);
    match action {
        ReadPublic | UseAccount => true,
        ReadInternal { zone_id } => {
            region(zone_id)
                || p.has(|g| {
                    g.zone_id == zone_id
                        && matches!(
                            g.role,
                            Role::PlanningOffice | Role::Viewer | Role::UnitEditor
                        )
                })
        }
        ReadAdministration { zone_id } => {
            region(zone_id)
                || p.has(|g| {
                    g.zone_id == zone_id && matches!(g.role, Role::PlanningOffice | Role::Viewer)
                })
        }
        ReadAudit { zone_id } => region(zone_id) || office(zone_id),
        Administer { zone_id } => office(zone_id),
        EditRegionalFrame { region_id } | ReadRegion { region_id } => {
            p.regions.contains(&region_id)
        }
        EditUnit { zone_id, unit_id } => {
            office(zone_id)
                || p.has(|g| {
                    g.role == Role::UnitEditor && g.zone_id == zone_id && g.unit_id == Some(unit_id)
                })
        }
        ManageOrganisation {
            zone_id,
            organisation_id,
        } => {
            office(zone_id)
                || p.has(|g| {
                    g.role == Role::ThirdSector
                        && g.zone_id == zone_id
                        && g.organisation_id == Some(organisation_id)
                })
        }
    }
}

/// How long logins under a name are refused after `failures` consecutive
/// wrong passwords: not at all up to 4; from the 5th, 1 minute, doubling at
/// each further failure, at most 60 minutes. Slows guessing to a few dozen
/// tries a day without locking a person out for long.
pub fn login_lock(failures: i64) -> Option<time::Duration> {
    if failures < 5 {
        return None;
    }
    let minutes = 1i64 << (failures - 5).min(6);
    Some(time::Duration::minutes(minutes.min(60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(grants: Vec<Grant>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            full_name: "U".into(),
            grants,
            regions: Vec::new(),
            region_zones: Vec::new(),
        }
    }
    fn grant(role: Role, zone_id: i64, unit: Option<i64>, org: Option<i64>) -> Grant {
        Grant {
            role,
            zone_id,
            unit_id: unit,
            organisation_id: org,
        }
    }

    #[test]
    fn anonymous_reads_only_what_is_published() {
        assert!(allows(None, Action::ReadPublic));
        assert!(!allows(None, Action::UseAccount));
        assert!(!allows(None, Action::ReadInternal { zone_id: 1 }));
        assert!(!allows(None, Action::Administer { zone_id: 1 }));
    }

    #[test]
    fn planning_office_administers_only_its_zone() {
        let p = principal(vec![grant(Role::PlanningOffice, 1, None, None)]);
        assert!(allows(Some(&p), Action::Administer { zone_id: 1 }));
        assert!(allows(
            Some(&p),
            Action::EditUnit {
                zone_id: 1,
                unit_id: 9
            }
        ));
        assert!(allows(
            Some(&p),
            Action::ManageOrganisation {
                zone_id: 1,
                organisation_id: 9
            }
        ));
        assert!(!allows(Some(&p), Action::Administer { zone_id: 2 }));
        assert!(!allows(Some(&p), Action::ReadInternal { zone_id: 2 }));
    }

    #[test]
    fn unit_editor_edits_only_its_units() {
        let p = principal(vec![grant(Role::UnitEditor, 1, Some(5), None)]);
        assert!(allows(
            Some(&p),
            Action::EditUnit {
                zone_id: 1,
                unit_id: 5
            }
        ));
        assert!(!allows(
            Some(&p),
            Action::EditUnit {
                zone_id: 1,
                unit_id: 6
            }
        ));
        assert!(allows(Some(&p), Action::ReadInternal { zone_id: 1 }));
        assert!(!allows(Some(&p), Action::Administer { zone_id: 1 }));
        assert!(!allows(Some(&p), Action::ReadAudit { zone_id: 1 }));
        assert!(!allows(Some(&p), Action::ReadAdministration { zone_id: 1 }));
    }

    #[test]
    fn viewer_reads_and_changes_nothing() {
        let p = principal(vec![grant(Role::Viewer, 1, None, None)]);
        assert!(allows(Some(&p), Action::ReadInternal { zone_id: 1 }));
        assert!(allows(Some(&p), Action::ReadAdministration { zone_id: 1 }));
        assert!(!allows(Some(&p), Action::ReadAudit { zone_id: 1 }));
        assert!(!allows(Some(&p), Action::Administer { zone_id: 1 }));
        assert!(!allows(
            Some(&p),
            Action::EditUnit {
                zone_id: 1,
                unit_id: 5
            }
        ));
        assert!(!allows(
            Some(&p),
            Action::ManageOrganisation {
                zone_id: 1,
                organisation_id: 3
            }
        ));
    }

    #[test]
    fn third_sector_manages_only_its_organisation() {
        let p = principal(vec![grant(Role::ThirdSector, 1, None, Some(3))]);
        assert!(allows(
            Some(&p),
            Action::ManageOrganisation {
                zone_id: 1,
                organisation_id: 3
            }
        ));
        assert!(!allows(
            Some(&p),
            Action::ManageOrganisation {
                zone_id: 1,
                organisation_id: 4
            }
        ));
        assert!(!allows(Some(&p), Action::ReadInternal { zone_id: 1 }));
        assert!(allows(Some(&p), Action::UseAccount));
    }

    #[test]
    fn the_region_reads_its_zones_and_edits_only_the_shared_frame() {
        let mut p = principal(vec![grant(Role::Region, 1, None, None)]);
        p.regions = vec![7];
        p.region_zones = vec![1, 2, 3];
        for zone_id in [1, 2, 3] {
            assert!(allows(Some(&p), Action::ReadInternal { zone_id }));
            assert!(allows(Some(&p), Action::ReadAdministration { zone_id }));
            assert!(allows(Some(&p), Action::ReadAudit { zone_id }));
            assert!(!allows(Some(&p), Action::Administer { zone_id }));
            assert!(!allows(
                Some(&p),
                Action::EditUnit {
                    zone_id,
                    unit_id: 5
                }
            ));
        }
        assert!(!allows(Some(&p), Action::ReadInternal { zone_id: 4 }));
        assert!(allows(Some(&p), Action::EditRegionalFrame { region_id: 7 }));
        assert!(!allows(
            Some(&p),
            Action::EditRegionalFrame { region_id: 8 }
        ));
        assert!(allows(Some(&p), Action::ReadRegion { region_id: 7 }));
        assert!(!allows(Some(&p), Action::ReadRegion { region_id: 8 }));

        // A zone's planning office no longer edits the shared frame.
        let office = principal(vec![grant(Role::PlanningOffice, 1, None, None)]);
        assert!(!allows(
            Some(&office),
            Action::EditRegionalFrame { region_id: 7 }
        ));
        assert!(!allows(Some(&office), Action::ReadRegion { region_id: 7 }));
        assert!(grant(Role::Region, 1, None, None).check_scope().is_ok());
        assert!(grant(Role::Region, 1, Some(2), None).check_scope().is_err());
    }

    #[test]
    fn repeated_failures_lock_for_longer() {
        assert_eq!(login_lock(4), None);
        assert_eq!(login_lock(5), Some(time::Duration::minutes(1)));
        assert_eq!(login_lock(6), Some(time::Duration::minutes(2)));
        assert_eq!(login_lock(10), Some(time::Duration::minutes(32)));
        assert_eq!(login_lock(11), Some(time::Duration::minutes(60)));
        assert_eq!(login_lock(1000), Some(time::Duration::minutes(60)));
    }

    #[test]
    fn scopes_are_checked() {
        assert!(grant(Role::UnitEditor, 1, Some(1), None)
            .check_scope()
            .is_ok());
        assert!(grant(Role::UnitEditor, 1, None, None)
            .check_scope()
            .is_err());
        assert!(grant(Role::ThirdSector, 1, None, None)
            .check_scope()
            .is_err());
        assert!(grant(Role::Viewer, 1, Some(2), None).check_scope().is_err());
        assert!(grant(Role::PlanningOffice, 1, None, None)
            .check_scope()
            .is_ok());
    }
}
