//! Files attached to a meeting: their name, size and kind.

/// Attachments: at most 10 MB each, of the kinds people bring to meetings.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// Accepted attachment types by extension, with the bytes their files start
/// with: the extension alone is not trusted.
const TYPES: [(&str, &str, &[u8]); 10] = [
    ("pdf", "application/pdf", b"%PDF-"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        b"PK\x03\x04",
    ),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        b"PK\x03\x04",
    ),
    (
        "odp",
        "application/vnd.oasis.opendocument.presentation",
        b"PK\x03\x04",
    ),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        b"PK\x03\x04",
    ),
    ("png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("jpg", "image/jpeg", b"\xff\xd8\xff"),
    ("jpeg", "image/jpeg", b"\xff\xd8\xff"),
];

/// The type a stored attachment is served with: only the types accepted on
/// upload, each as itself; anything else as plain bytes.
pub fn served_type(stored: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(_, t, _)| *t == stored)
        .map_or("application/octet-stream", |(_, t, _)| *t)
}

/// Checks an uploaded file: its name, size and content against its extension.
pub fn check(name: &str, bytes: &[u8]) -> Result<(String, &'static str), String> {
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err("Scegliere un file da allegare.".into());
    }
    if bytes.is_empty() {
        return Err(format!("Il file «{name}» è vuoto."));
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "Il file «{name}» supera i 10 MB ammessi per un allegato."
        ));
    }
    let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
    let Some((_, ctype, magic)) = TYPES.iter().find(|(e, _, _)| *e == ext) else {
        return Err(format!(
            "Il file «{name}» non è di un tipo ammesso: PDF, presentazioni, documenti e fogli (Office o OpenDocument), immagini PNG o JPEG."
        ));
    };
    if !bytes.starts_with(magic) {
        return Err(format!(
            "Il contenuto di «{name}» non corrisponde a un file .{ext}: il file potrebbe essere danneggiato o avere l'estensione sbagliata."
        ));
    }
    Ok((name, ctype))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_checked_by_size_type_and_content() {
        assert_eq!(
            check("slide POA 2024.pdf", b"%PDF-1.7 ...").unwrap(),
            ("slide POA 2024.pdf".to_string(), "application/pdf")
        );
        assert_eq!(
            check("C:\\cartella\\a.png", b"\x89PNG\r\n\x1a\n...")
                .unwrap()
                .0,
            "a.png"
        );
        assert!(check("a.pdf", b"").unwrap_err().contains("vuoto"));
        assert!(check("a.exe", b"MZ")
            .unwrap_err()
            .contains("non è di un tipo ammesso"));
        assert!(check("finto.pdf", b"PK\x03\x04")
            .unwrap_err()
            .contains("non corrisponde"));
        let big = vec![b'%'; MAX_BYTES + 1];
        assert!(check("grande.pdf", &big).unwrap_err().contains("10 MB"));
        assert!(check("", b"%PDF-").is_err());
    }
}
