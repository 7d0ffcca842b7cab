//! How a zone is governed: the agreements between its bodies. In Tuscany the
//! health authority and the zone's municipalities sign a social-health
//! agreement for the matters they run together (art. 70 bis LR 40/2005),
//! and the municipalities an agreement for the associated management of
//! their social functions, with a lead body.

use crate::org::labelled_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

labelled_enum! {
    /// What an agreement of the zone is.
    AgreementKind {
        SocialHealth = "social_health", "Convenzione socio-sanitaria (art. 70 bis LR 40/2005)";
        Social = "social", "Convenzione per la gestione associata delle funzioni sociali";
        Other = "other", "Altro accordo";
    }
}

labelled_enum! {
    /// Whether an agreement's matter is run together today or foreseen.
    MatterStatus {
        Integrated = "integrated", "Gestita in forma integrata";
        Foreseen = "foreseen", "Prevista dal documento di organizzazione";
    }
}

labelled_enum! {
    /// What a body is in an agreement.
    PartyRole {
        Party = "party", "Parte";
        Lead = "lead", "Ente capofila";
    }
}
