//! Projects of the zone (PNRR, FSE+, regional programmes): their cards — what
//! the project is, the service delivered, duration, resources, actions with
//! amounts or ranges — and the PNRR investments they fall under, with the
//! national targets of each.

use crate::money::Cents;
use crate::org::labelled_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

labelled_enum! {
    /// Where a project stands.
    ProjectStatus {
        Planned = "planned", "In programma";
        Started = "started", "Avviato";
        Ongoing = "ongoing", "In corso";
        Completed = "completed", "Concluso";
    }
}

/// One investment (or sub-investment) of the PNRR, as the catalogue lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PnrrInvestment {
    /// `M5C2-1.1.1`: component and investment number.
    pub code: &'static str,
    pub mission: &'static str,
    pub component: &'static str,
    /// The investment this one is part of (`M5C2-1.1` for `M5C2-1.1.1`).
    pub parent: Option<&'static str>,
    pub title: &'static str,
    /// National targets: (year, text).
    pub targets: &'static [(Option<i32>, &'static str)],
}

pub const PNRR_MISSIONS: &[(&str, &str)] = &[
    ("M5", "Missione 5 – Inclusione e coesione"),
    ("M6", "Missione 6 – Salute"),
];

pub const PNRR_COMPONENTS: &[(&str, &str)] = &[
    (
        "M5C2",
        "Componente 2 – Infrastrutture sociali, famiglie, comunità e terzo settore",
    ),
    (
        "M6C1",
        "Componente 1 – Reti di prossimità, strutture e telemedicina per l'assistenza sanitaria territoriale",
    ),
];

/// The investments that concern a zone's social and health network. The
/// M5C2 targets are those of the PNRR as presented in seed 002; the M6C1
/// counts are those of the plan as amended by the Council implementing
/// decision of 8 December 2023 (docs/network.md).
pub const PNRR_CATALOGUE: &[PnrrInvestment] = &[
    PnrrInvestment {
        code: "M5C2-1.1",
        mission: "M5",
        component: "M5C2",
        parent: None,
        title: "Sostegno alle persone vulnerabili e prevenzione dell'istituzionalizzazione degli anziani non autosufficienti",
        targets: &[(None, "L'85 % dei distretti sociali deve realizzare interventi in almeno una delle 4 linee.")],
    },
    PnrrInvestment {
        code: "M5C2-1.1.1",
        mission: "M5",
        component: "M5C2",
        parent: Some("M5C2-1.1"),
        title: "Sostegno alle capacità genitoriali e prevenzione della vulnerabilità delle famiglie e dei bambini",
        targets: &[(None, "Sostegno alle famiglie beneficiarie per almeno 18 mesi, con valutazione preliminare e multidisciplinare.")],
    },
    PnrrInvestment {
        code: "M5C2-1.1.2",
        mission: "M5",
        component: "M5C2",
        parent: Some("M5C2-1.1"),
        title: "Autonomia degli anziani non autosufficienti",
        targets: &[(None, "Riconversione delle case di riposo in gruppi di appartamenti autonomi, con domotica, telemedicina e monitoraggio a distanza.")],
    },
    PnrrInvestment {
        code: "M5C2-1.1.3",
        mission: "M5",
        component: "M5C2",
        parent: Some("M5C2-1.1"),
        title: "Rafforzamento dei servizi sociali domiciliari per garantire la dimissione anticipata assistita e prevenire l'ospedalizzazione",
        targets: &[(None, "Formazione specifica dei professionisti dei servizi a domicilio per gli anziani.")],
    },
    PnrrInvestment {
        code: "M5C2-1.1.4",
        mission: "M5",
        component: "M5C2",
        parent: Some("M5C2-1.1"),
        title: "Rafforzamento dei servizi sociali e prevenzione del fenomeno del burn out tra gli operatori sociali",
        targets: &[(None, "Supervisione dei servizi e condivisione delle competenze degli assistenti sociali.")],
    },
    PnrrInvestment {
        code: "M5C2-1.2",
        mission: "M5",
        component: "M5C2",
        parent: None,
        title: "Percorsi di autonomia per persone con disabilità",
        targets: &[
            (Some(2022), "Realizzazione di almeno un progetto da parte di un minimo di 500 distretti sociali."),
            (Some(2026), "Almeno 5.000 persone con disabilità beneficiarie dei progetti di ristrutturazione dello spazio domestico."),
        ],
    },
    PnrrInvestment {
        code: "M5C2-1.3",
        mission: "M5",
        component: "M5C2",
        parent: None,
        title: "Housing temporaneo e stazioni di posta",
        targets: &[
            (Some(2022), "Piano operativo: requisiti dei progetti e inviti a presentare proposte."),
            (Some(2026), "Almeno 25.000 persone in stato di grave deprivazione materiale con un alloggio temporaneo da Housing First o Stazioni di Posta."),
        ],
    },
    PnrrInvestment {
        code: "M5C2-1.3.1",
        mission: "M5",
        component: "M5C2",
        parent: Some("M5C2-1.3"),
        title: "Housing First",
        targets: &[(None, "Appartamenti per singoli, piccoli gruppi o famiglie fino a 24 mesi, con programmi per l'autonomia.")],
    },
    PnrrInvestment {
        code: "M5C2-1.3.2",
        mission: "M5",
        component: "M5C2",
        parent: Some("M5C2-1.3"),
        title: "Stazioni di posta",
        targets: &[(None, "Centri di servizi e di inclusione per le persone senza dimora, collegati ai Centri per l'impiego.")],
    },
    PnrrInvestment {
        code: "M6C1-1.1",
        mission: "M6",
        component: "M6C1",
        parent: None,
        title: "Case della Comunità e presa in carico della persona",
        targets: &[(Some(2026), "Almeno 1.038 Case della Comunità messe a disposizione e dotate di attrezzature tecnologiche.")],
    },
    PnrrInvestment {
        code: "M6C1-1.2",
        mission: "M6",
        component: "M6C1",
        parent: None,
        title: "Casa come primo luogo di cura e telemedicina",
        targets: &[],
    },
    PnrrInvestment {
        code: "M6C1-1.2.1",
        mission: "M6",
        component: "M6C1",
        parent: Some("M6C1-1.2"),
        title: "Casa come primo luogo di cura (assistenza domiciliare)",
        targets: &[(Some(2026), "Presa in carico a domicilio del 10 % della popolazione con più di 65 anni.")],
    },
    PnrrInvestment {
        code: "M6C1-1.2.2",
        mission: "M6",
        component: "M6C1",
        parent: Some("M6C1-1.2"),
        title: "Centrali Operative Territoriali",
        targets: &[(Some(2024), "Almeno 480 Centrali Operative Territoriali pienamente operative.")],
    },
    PnrrInvestment {
        code: "M6C1-1.2.3",
        mission: "M6",
        component: "M6C1",
        parent: Some("M6C1-1.2"),
        title: "Telemedicina per un migliore supporto ai pazienti cronici",
        targets: &[],
    },
    PnrrInvestment {
        code: "M6C1-1.3",
        mission: "M6",
        component: "M6C1",
        parent: None,
        title: "Rafforzamento dell'assistenza sanitaria intermedia e delle sue strutture (Ospedali di Comunità)",
        targets: &[(Some(2026), "Almeno 307 Ospedali di Comunità rinnovati, interconnessi e dotati di attrezzature tecnologiche.")],
    },
];

pub fn pnrr_investment(code: &str) -> Option<&'static PnrrInvestment> {
    PNRR_CATALOGUE.iter().find(|i| i.code == code)
}

impl PnrrInvestment {
    /// `M5C2 1.1.1`, as documents write it.
    pub fn short(&self) -> String {
        self.code.replacen('-', " ", 1)
    }
}

/// What an action of a project is worth: a single amount or a range, with
/// what it is counted on ("al mese" for a monthly voucher).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountRange {
    pub min: Cents,
    pub max: Cents,
}

impl AmountRange {
    /// Reads the two amounts of a form; the maximum may be left empty for a
    /// single amount.
    pub fn read(min: &str, max: &str) -> Result<Option<AmountRange>, String> {
        let parse = |s: &str| -> Result<Option<Cents>, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let c = Cents::parse_it(s).map_err(|e| e.to_string())?;
            if c.0 < 0 {
                return Err("L'importo non può essere negativo.".into());
            }
            Ok(Some(c))
        };
        match (parse(min)?, parse(max)?) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err("Indicare l'importo minimo, o un solo importo.".into()),
            (Some(a), None) => Ok(Some(AmountRange { min: a, max: a })),
            (Some(a), Some(b)) if b < a => {
                Err(format!("Il massimo ({b}) è inferiore al minimo ({a})."))
            }
            (Some(a), Some(b)) => Ok(Some(AmountRange { min: a, max: b })),
        }
    }
}

/// An amount as the project cards write it: `€ 356.240,00`.
pub fn euro(c: Cents) -> String {
    format!("€ {}", c.format_plain())
}

impl fmt::Display for AmountRange {
    /// As the cards of seed 000 write it: "da € 800,00 a € 3.000,00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{}", euro(self.min))
        } else {
            write!(f, "da {} a {}", euro(self.min), euro(self.max))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_a_tree() {
        for i in PNRR_CATALOGUE {
            assert!(i.code.starts_with(i.component), "{}", i.code);
            assert!(i.component.starts_with(i.mission));
            if let Some(p) = i.parent {
                let parent = pnrr_investment(p).expect("parent listed");
                assert!(i.code.starts_with(&format!("{}.", parent.code)));
            }
        }
        let codes: Vec<&str> = PNRR_CATALOGUE.iter().map(|i| i.code).collect();
        for c in [
            "M5C2-1.1.1",
            "M5C2-1.1.2",
            "M5C2-1.1.3",
            "M5C2-1.1.4",
            "M5C2-1.2",
            "M5C2-1.3.1",
            "M5C2-1.3.2",
            "M6C1-1.1",
            "M6C1-1.2.2",
            "M6C1-1.3",
        ] {
            assert!(codes.contains(&c), "{c}");
        }
        assert_eq!(pnrr_investment("M5C2-1.2").unwrap().short(), "M5C2 1.2");
        let t = pnrr_investment("M5C2-1.2").unwrap().targets;
        assert!(t[0].1.contains("500 distretti") && t[1].1.contains("5.000 persone"));
        assert!(pnrr_investment("M5C2-1.3").unwrap().targets[1]
            .1
            .contains("25.000 persone"));
        assert!(pnrr_investment("M5C2-1.1").unwrap().targets[0]
            .1
            .starts_with("L'85 %"));
    }

    #[test]
    fn amounts_and_ranges() {
        let r = AmountRange::read("800", "3.000").unwrap().unwrap();
        assert_eq!(r.to_string(), "da € 800,00 a € 3.000,00");
        let one = AmountRange::read("300,00", "").unwrap().unwrap();
        assert_eq!(one.to_string(), "€ 300,00");
        assert_eq!(AmountRange::read("", "").unwrap(), None);
        assert!(AmountRange::read("8.000", "3.000")
            .unwrap_err()
            .contains("inferiore"));
        assert!(AmountRange::read("-5", "")
            .unwrap_err()
            .contains("negativo"));
        assert!(AmountRange::read("", "5").is_err());
        assert!(AmountRange::read("tre", "").is_err());
    }
}
