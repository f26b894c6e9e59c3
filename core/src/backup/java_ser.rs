//! The small part of Java object serialization (`ObjectOutputStream`, stream protocol 2, as
//! described in the Java Object Serialization Specification, chapter 6) that FreeOTP 2's
//! `externalBackup.xml` uses: one `java.util.HashMap` written by its own `writeObject`, whose
//! keys are strings and whose values are strings or boxed primitives (what Android's
//! `SharedPreferences.getAll()` holds).
//!
//! It is a reader for that shape only, not a Java deserializer: no class is looked up or run;
//! a class descriptor is just a name, flags and field type codes, and an object of any class
//! other than the map may hold primitive fields only (`Boolean`, `Integer`, `Long`, `Float`
//! and their `Number` superclass). Everything else (arrays, enums, proxies, externalizable or
//! custom-written objects inside the map, nested maps) is refused as damaged. Every count,
//! length, handle and nesting level is checked against the bytes that are left and fixed
//! bounds, so a hostile file costs at most a few times its own size.

use super::{damaged, BackupError};

const MAGIC: [u8; 4] = [0xac, 0xed, 0x00, 0x05];
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_BLOCKDATALONG: u8 = 0x7a;
const TC_LONGSTRING: u8 = 0x7c;
const BASE_HANDLE: u32 = 0x7e_0000;
const SC_WRITE_METHOD: u8 = 0x01;
const SC_SERIALIZABLE: u8 = 0x02;

/// Far above any FreeOTP backup (two strings per token, a few class descriptors).
const MAX_HANDLES: usize = 200_000;
const MAX_FIELDS: usize = 64;
/// Superclass chain depth (`Integer` → `Number` is 2).
const MAX_DEPTH: usize = 8;
/// Decoded string bytes, references included: a back-reference to a long string copies it.
const STRING_BUDGET_FACTOR: usize = 4;

/// A value of the map: a string, or something else (a boxed primitive, null) that only needs
/// to be skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JavaValue {
    Str(String),
    Other,
}

#[derive(Debug)]
struct ClassDesc {
    name: String,
    flags: u8,
    /// Type codes of the fields, in stream order.
    fields: Vec<u8>,
    parent: Option<usize>,
}

enum Handle {
    Class(usize),
    Str(String),
    Object,
}

struct Stream<'a> {
    bytes: &'a [u8],
    pos: usize,
    handles: Vec<Handle>,
    classes: Vec<ClassDesc>,
    string_budget: usize,
}

fn bad(what: &str) -> BackupError {
    damaged(format!(
        "the Java data is not a FreeOTP backup map ({what})"
    ))
}

/// Reads a serialized `HashMap<String, ?>`: its entries in stream order.
pub(crate) fn read_string_map(bytes: &[u8]) -> Result<Vec<(String, JavaValue)>, BackupError> {
    if !bytes.starts_with(&MAGIC) {
        return Err(BackupError::NotRecognized);
    }
    let mut s = Stream {
        bytes,
        pos: MAGIC.len(),
        handles: Vec::new(),
        classes: Vec::new(),
        string_budget: bytes.len().saturating_mul(STRING_BUDGET_FACTOR),
    };
    if s.u8()? != TC_OBJECT {
        return Err(bad("it does not start with an object"));
    }
    let class = s.class_desc(0)?.ok_or_else(|| bad("a null class"))?;
    let c = &s.classes[class]; // ok: class_desc returns indices of `classes`
    if c.name != "java.util.HashMap" || c.flags != SC_SERIALIZABLE | SC_WRITE_METHOD {
        return Err(bad("the object is not a HashMap"));
    }
    s.new_handle(Handle::Object)?;
    s.field_values(class)?;
    let entries = s.map_entries()?;
    if s.pos != bytes.len() {
        return Err(bad("bytes after the map"));
    }
    Ok(entries)
}

impl Stream<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], BackupError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| bad("it ends too early"))?;
        let out = &self.bytes[self.pos..end]; // ok: end <= len checked just above
        self.pos = end;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, BackupError> {
        Ok(self.take(1)?[0]) // ok: take(1) returned exactly one byte
    }

    fn u16(&mut self) -> Result<u16, BackupError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]])) // ok: two bytes
    }

    fn u32(&mut self) -> Result<u32, BackupError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]])) // ok: four bytes
    }

    fn new_handle(&mut self, h: Handle) -> Result<usize, BackupError> {
        if self.handles.len() >= MAX_HANDLES {
            return Err(bad("too many objects"));
        }
        self.handles.push(h);
        Ok(self.handles.len() - 1)
    }

    fn handle(&mut self) -> Result<&Handle, BackupError> {
        let wire = self.u32()?;
        let index = wire
            .checked_sub(BASE_HANDLE)
            .and_then(|i| usize::try_from(i).ok())
            .ok_or_else(|| bad("a reference before the first object"))?;
        self.handles
            .get(index)
            .ok_or_else(|| bad("a reference to an object not yet read"))
    }

    /// Modified UTF-8 (Java's `DataOutput.writeUTF`) of `len` bytes.
    fn utf(&mut self, len: usize) -> Result<String, BackupError> {
        self.string_budget = self
            .string_budget
            .checked_sub(len)
            .ok_or_else(|| bad("too much text"))?;
        let text = modified_utf8(self.take(len)?).ok_or_else(|| bad("text that is not UTF-8"))?;
        Ok(text)
    }

    fn short_utf(&mut self) -> Result<String, BackupError> {
        let len = usize::from(self.u16()?);
        self.utf(len)
    }

    /// A new string (`TC_STRING` / `TC_LONGSTRING` already read), with its handle.
    fn new_string(&mut self, long: bool) -> Result<String, BackupError> {
        let len = if long {
            let b = self.take(8)?;
            // ok: eight bytes
            let n = u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
            usize::try_from(n).map_err(|_| bad("a string longer than the file"))?
        } else {
            usize::from(self.u16()?)
        };
        let text = self.utf(len)?;
        self.new_handle(Handle::Str(text.clone()))?;
        Ok(text)
    }

    /// A class descriptor: new, a reference to an earlier one, or null.
    fn class_desc(&mut self, depth: usize) -> Result<Option<usize>, BackupError> {
        if depth > MAX_DEPTH {
            return Err(bad("classes nested too deeply"));
        }
        match self.u8()? {
            TC_NULL => Ok(None),
            TC_REFERENCE => match self.handle()? {
                Handle::Class(c) => Ok(Some(*c)),
                _ => Err(bad("a reference to something that is not a class")),
            },
            TC_CLASSDESC => self.new_class_desc(depth).map(Some),
            _ => Err(bad("an unsupported class descriptor")),
        }
    }

    fn new_class_desc(&mut self, depth: usize) -> Result<usize, BackupError> {
        let name = self.short_utf()?;
        self.take(8)?; // serialVersionUID: nothing is checked against a class here.
        let index = self.classes.len();
        self.new_handle(Handle::Class(index))?;
        self.classes.push(ClassDesc {
            name,
            flags: 0,
            fields: Vec::new(),
            parent: None,
        });
        let flags = self.u8()?;
        let count = usize::from(self.u16()?);
        if count > MAX_FIELDS {
            return Err(bad("a class with too many fields"));
        }
        let mut fields = Vec::with_capacity(count);
        for _ in 0..count {
            let code = self.u8()?;
            self.short_utf()?; // the field's name
            if matches!(code, b'L' | b'[') {
                // Its type's name, a string object of its own.
                self.content_string()?;
            }
            fields.push(code);
        }
        if self.u8()? != TC_ENDBLOCKDATA {
            return Err(bad("a class with annotations"));
        }
        let parent = self.class_desc(depth + 1)?;
        let c = &mut self.classes[index]; // ok: pushed above
        (c.flags, c.fields, c.parent) = (flags, fields, parent);
        Ok(index)
    }

    /// The field values of an object of `class`: superclasses first, primitives only. Class
    /// indices come from `class_desc`, so they always index `classes`.
    fn field_values(&mut self, class: usize) -> Result<(), BackupError> {
        let mut chain = vec![class];
        while let Some(parent) = chain.last().and_then(|c| self.classes[*c].parent) {
            if chain.len() > MAX_DEPTH || chain.contains(&parent) {
                return Err(bad("a class hierarchy that loops"));
            }
            chain.push(parent);
        }
        for c in chain.into_iter().rev() {
            let sizes: Result<Vec<usize>, BackupError> = self.classes[c]
                .fields
                .iter()
                .map(|code| primitive_size(*code).ok_or_else(|| bad("an object field")))
                .collect();
            for size in sizes? {
                self.take(size)?;
            }
        }
        Ok(())
    }

    /// `HashMap.writeObject`'s data after the fields: capacity and size in a block, then the
    /// keys and values, then the end of the block data.
    fn map_entries(&mut self) -> Result<Vec<(String, JavaValue)>, BackupError> {
        let block = match self.u8()? {
            TC_BLOCKDATA => usize::from(self.u8()?),
            TC_BLOCKDATALONG => usize::try_from(self.u32()?).unwrap_or(usize::MAX),
            _ => return Err(bad("no map size")),
        };
        if block < 8 {
            return Err(bad("a short map header"));
        }
        let head = self.take(block)?;
        let size = i32::from_be_bytes([head[4], head[5], head[6], head[7]]); // ok: block >= 8
        let size = usize::try_from(size).map_err(|_| bad("a negative map size"))?;
        // Every entry takes at least two bytes: never reserve more than the file can hold.
        let left = self.bytes.len() - self.pos;
        let mut entries = Vec::with_capacity(size.min(left / 2));
        for _ in 0..size {
            let key = self.content_string()?;
            let value = self.content()?;
            entries.push((key, value));
        }
        if self.u8()? != TC_ENDBLOCKDATA {
            return Err(bad("the map does not end where its size says"));
        }
        Ok(entries)
    }

    fn content_string(&mut self) -> Result<String, BackupError> {
        match self.content()? {
            JavaValue::Str(s) => Ok(s),
            JavaValue::Other => Err(bad("a key that is not text")),
        }
    }

    /// One object inside the map: a string, null, a back-reference, or a plain object.
    fn content(&mut self) -> Result<JavaValue, BackupError> {
        match self.u8()? {
            TC_STRING => self.new_string(false).map(JavaValue::Str),
            TC_LONGSTRING => self.new_string(true).map(JavaValue::Str),
            TC_NULL => Ok(JavaValue::Other),
            TC_REFERENCE => match self.handle()? {
                Handle::Str(s) => {
                    let s = s.clone();
                    self.string_budget = self
                        .string_budget
                        .checked_sub(s.len())
                        .ok_or_else(|| bad("too much text"))?;
                    Ok(JavaValue::Str(s))
                }
                Handle::Object => Ok(JavaValue::Other),
                Handle::Class(_) => Err(bad("a class where a value belongs")),
            },
            TC_OBJECT => {
                let class = self.class_desc(0)?.ok_or_else(|| bad("a null class"))?;
                if self.classes[class].flags != SC_SERIALIZABLE {
                    return Err(bad("an object Kunci cannot read"));
                }
                self.new_handle(Handle::Object)?;
                self.field_values(class)?;
                Ok(JavaValue::Other)
            }
            _ => Err(bad("an unsupported value")),
        }
    }
}

/// Bytes of a primitive field's value; `None` for object and array fields.
fn primitive_size(code: u8) -> Option<usize> {
    match code {
        b'B' | b'Z' => Some(1),
        b'C' | b'S' => Some(2),
        b'F' | b'I' => Some(4),
        b'D' | b'J' => Some(8),
        _ => None,
    }
}

/// Java's modified UTF-8: UTF-16 code units in one to three bytes each (NUL as two bytes,
/// characters beyond the BMP as two encoded surrogates).
fn modified_utf8(bytes: &[u8]) -> Option<String> {
    let mut units = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let cont = |k: usize| {
            bytes
                .get(i + k)
                .filter(|c| *c & 0xc0 == 0x80)
                .map(|c| u16::from(c & 0x3f))
        };
        let (unit, len) = match b {
            0x01..=0x7f => (u16::from(b), 1),
            0xc0..=0xdf => ((u16::from(b & 0x1f) << 6) | cont(1)?, 2),
            0xe0..=0xef => ((u16::from(b & 0x0f) << 12) | (cont(1)? << 6) | cont(2)?, 3),
            _ => return None,
        };
        units.push(unit);
        i += len;
    }
    String::from_utf16(&units).ok()
}

#[cfg(test)]
#[path = "java_ser_tests.rs"]
mod tests;
