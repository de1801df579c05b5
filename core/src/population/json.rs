//! How members and their group ranks are written: with the fields they derive
//! (a member's group and percent ranks), exactly as when the members held them.

use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::{GroupRank, Member};

/// A decimal written as its text, like every decimal of the results.
struct Dec(Decimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::result::dec(&self.0, s)
    }
}

/// An optional decimal written as its text, or `null`.
struct OptDec(Option<Decimal>);

impl Serialize for OptDec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::result::opt_dec(&self.0, s)
    }
}

impl Serialize for GroupRank {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("GroupRank", 5)?;
        out.serialize_field("by", &self.group.by)?;
        out.serialize_field("group", &self.group.path)?;
        out.serialize_field("rank", &self.rank)?;
        out.serialize_field("of", &self.of)?;
        out.serialize_field("percentile", &Dec(self.percentile()))?;
        out.end()
    }
}

impl Serialize for Member {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Member", 15)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("group", self.group())?;
        out.serialize_field("score", &Dec(self.score))?;
        out.serialize_field("rank", &self.rank)?;
        out.serialize_field("of", &self.of)?;
        out.serialize_field("percentile", &Dec(self.percentile()))?;
        if self.group_ranks.is_empty() {
            out.skip_field("group_ranks")?;
        } else {
            out.serialize_field("group_ranks", &self.group_ranks)?;
        }
        out.serialize_field("raw_grade", &self.raw_grade)?;
        out.serialize_field("grade", &self.grade)?;
        out.serialize_field("coefficient", &OptDec(self.coefficient))?;
        if self.moves.is_empty() {
            out.skip_field("moves")?;
        } else {
            out.serialize_field("moves", &self.moves)?;
        }
        match self.days {
            Some(days) => out.serialize_field("days", &days)?,
            None => out.skip_field("days")?,
        }
        if self.segments.is_empty() {
            out.skip_field("segments")?;
        } else {
            out.serialize_field("segments", &self.segments)?;
        }
        match &self.pay {
            Some(pay) => out.serialize_field("pay", pay)?,
            None => out.skip_field("pay")?,
        }
        if crate::result::no_attributes(&self.attributes) {
            out.skip_field("attributes")?;
        } else {
            out.serialize_field("attributes", &self.attributes)?;
        }
        out.end()
    }
}
