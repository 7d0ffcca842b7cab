//! Generic form fields: one template renders every form of the application,
//! with its label, hint, the person's input kept and the error next to it.

use std::collections::HashMap;
use zona_core::FieldErrors;

/// The submitted form, as text: nothing typed is lost when it is shown again.
pub type FormValues = HashMap<String, String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Email,
    Tel,
    Password,
    Number,
    Textarea,
    Select,
    Date,
    Hidden,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub hint: &'static str,
    pub error: Option<String>,
    pub readonly: bool,
    pub autocomplete: &'static str,
}

impl Field {
    pub fn new(name: &'static str, label: &'static str, kind: FieldKind) -> Field {
        Field {
            name,
            label,
            kind,
            value: String::new(),
            options: Vec::new(),
            required: false,
            hint: "",
            error: None,
            readonly: false,
            autocomplete: "off",
        }
    }
    pub fn text(name: &'static str, label: &'static str) -> Field {
        Field::new(name, label, FieldKind::Text)
    }
    pub fn select(
        name: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
    ) -> Field {
        let mut f = Field::new(name, label, FieldKind::Select);
        f.options = options;
        f
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn hint(mut self, h: &'static str) -> Self {
        self.hint = h;
        self
    }
    pub fn readonly(mut self, r: bool) -> Self {
        self.readonly = r;
        self
    }
    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = a;
        self
    }
    /// Fills value and error from the submitted form (or the stored record).
    pub fn bind(mut self, values: &FormValues, errors: &FieldErrors) -> Self {
        // A password typed is never sent back to the browser.
        if self.kind != FieldKind::Password {
            self.value = values.get(self.name).cloned().unwrap_or_default();
        }
        // A date input shows only an ISO value (yyyy-mm-dd): a date stored
        // or typed the Italian way would show as empty and be lost on saving.
        if self.kind == FieldKind::Date {
            if let Ok(d) = zona_core::format::parse_date(&self.value) {
                self.value = d.to_string();
            }
        }
        self.error = errors.get(self.name).map(str::to_string);
        self
    }
    pub fn is_selected(&self, option: &str) -> bool {
        self.value == option
    }
    pub fn id(&self) -> String {
        format!("f-{}", self.name)
    }
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Email => "email",
            FieldKind::Tel => "tel",
            FieldKind::Password => "password",
            FieldKind::Number => "text",
            FieldKind::Date => "date",
            FieldKind::Hidden => "hidden",
            _ => "text",
        }
    }
    pub fn is_textarea(&self) -> bool {
        self.kind == FieldKind::Textarea
    }
    pub fn is_select(&self) -> bool {
        self.kind == FieldKind::Select
    }
    pub fn is_hidden(&self) -> bool {
        self.kind == FieldKind::Hidden
    }
    pub fn is_numeric(&self) -> bool {
        self.kind == FieldKind::Number
    }
    /// The ids the input is described by: hint and error.
    pub fn described_by(&self) -> String {
        let mut v = Vec::new();
        if !self.hint.is_empty() {
            v.push(format!("{}-hint", self.id()));
        }
        if self.error.is_some() {
            v.push(format!("{}-error", self.id()));
        }
        v.join(" ")
    }
}

/// Reads a value, trimmed; missing fields read as empty.
pub fn value<'a>(form: &'a FormValues, name: &str) -> &'a str {
    form.get(name).map(|s| s.trim()).unwrap_or("")
}

/// Reads the id chosen in the select `name` (`""` is none).
pub fn choice_id(text: &str, name: &str, errors: &mut FieldErrors) -> Option<i64> {
    let v = text.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i64>() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.add(name, "Valore non valido: scegliere dall'elenco.");
            None
        }
    }
}

/// Reads the id chosen in the select `name`, which must be chosen.
pub fn required_choice(text: &str, name: &str, errors: &mut FieldErrors) -> Option<i64> {
    let r = choice_id(text, name, errors);
    if r.is_none() && errors.get(name).is_none() {
        errors.add(name, "Campo obbligatorio: scegliere dall'elenco.");
    }
    r
}

/// The version the person started editing from (optimistic concurrency).
pub fn version(form: &FormValues) -> i64 {
    version_of(value(form, "version"))
}

/// A version as the hidden field sent it; a missing or damaged one reads as
/// 0, a version no record has, so the change is refused as a conflict.
pub fn version_of(text: &str) -> i64 {
    text.trim().parse().unwrap_or(0)
}

/// A typed form's fields as text, to show the form again as it was typed.
/// Each field of the struct is the input of the same name.
pub fn values_of<T: serde::Serialize>(form: &T) -> FormValues {
    use serde_json::Value;
    let Ok(Value::Object(fields)) = serde_json::to_value(form) else {
        return FormValues::new();
    };
    fields
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

/// What a form's save comes to, for its page: done, or the form again with
/// the errors by field, or with the notice that someone else saved first.
pub enum Saved<T> {
    Done(T),
    Again { errors: FieldErrors, conflict: bool },
}

/// Reads a use case's outcome for a form page: the refusals a form shows
/// itself (errors by field, a conflict) become [`Saved::Again`]; any other
/// is the error page.
pub fn saved<T>(outcome: Result<T, crate::usecase::Error>) -> Result<Saved<T>, super::AppError> {
    use crate::usecase::Error;
    match outcome {
        Ok(done) => Ok(Saved::Done(done)),
        Err(Error::Invalid(errors)) => Ok(Saved::Again {
            errors,
            conflict: false,
        }),
        Err(Error::Conflict) => Ok(Saved::Again {
            errors: FieldErrors::new(),
            conflict: true,
        }),
        Err(other) => Err(other.into()),
    }
}

/// The version a confirmation page put in its action (`?versione=N`); a
/// missing one reads as a version that never exists, so the change is
/// refused as a conflict rather than applied blindly.
pub fn query_version(q: &std::collections::HashMap<String, String>) -> i64 {
    q.get("versione").and_then(|v| v.parse().ok()).unwrap_or(-1)
}

/// A one-line summary for the error box at the top of a form.
pub fn summary(errors: &FieldErrors) -> Option<String> {
    match errors.len() {
        0 => None,
        1 => Some(
            "Il modulo contiene un errore: correggi il campo indicato e salva di nuovo.".into(),
        ),
        n => Some(format!(
            "Il modulo contiene {n} errori: correggi i campi indicati e salva di nuovo."
        )),
    }
}

/// A form sent as `multipart/form-data`: the file of the field `file` (its
/// name as the browser gives it, and its bytes), and the other fields as text.
pub struct Upload {
    pub file: Option<(String, Vec<u8>)>,
    pub fields: FormValues,
}

impl Upload {
    pub async fn read(mut multipart: axum::extract::Multipart) -> Result<Upload, super::AppError> {
        let failed = || {
            super::AppError::BadRequest(
                "Invio del file non riuscito: il file è forse troppo grande.".into(),
            )
        };
        let mut up = Upload {
            file: None,
            fields: FormValues::new(),
        };
        while let Some(field) = multipart.next_field().await.map_err(|_| failed())? {
            let name = field.name().unwrap_or("").to_string();
            if name == "file" {
                // A file's name is text like any field: no NUL (PostgreSQL
                // cannot store one), and bounded.
                let file_name: String = field
                    .file_name()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| *c != '\0')
                    .take(255)
                    .collect();
                let bytes = field.bytes().await.map_err(|_| failed())?;
                up.file = Some((file_name, bytes.to_vec()));
            } else {
                let text = field.text().await.map_err(|_| failed())?;
                if text.contains('\0') || name.contains('\0') {
                    return Err(super::AppError::BadRequest(
                        "La richiesta contiene un carattere non ammesso (NUL): non è stata eseguita."
                            .into(),
                    ));
                }
                up.fields.insert(name, text);
            }
        }
        Ok(up)
    }

    /// The file, when one was chosen and is not empty.
    pub fn non_empty_file(self) -> Option<(String, Vec<u8>)> {
        self.file.filter(|(_, b)| !b.is_empty())
    }
}
