//! Civil society's values and assessments beside the official ones, and the city's replies.

use super::*;

impl App {
    /// Files a civil-society value or assessment beside the official one.
    pub async fn file_shadow_value(
        &self,
        actor: &Actor,
        indicator: &str,
        draft: &ShadowDraft,
        organisation_id: Option<i64>,
    ) -> AppResult<ShadowValue> {
        let user = signed_in(actor)?;
        // Who may file in the city named is known before the rest of the form is read.
        if let Ok(code) = AreaCode::parse(draft.area.trim())
            && let Ok(city) = self.city_of(&code).await
            && !actor.may(Permission::FileShadowData(&city))
        {
            return Err(AppError::Forbidden);
        }
        let definition = self.indicator(indicator, None).await?;
        let mut shadow = NewShadowValue::parse(&definition, draft)?;
        let city = self.city_of(&shadow.area).await?;
        if !actor.may(Permission::FileShadowData(&city)) {
            return Err(AppError::Forbidden);
        }
        shadow.organisation_id = organisation_id.or_else(|| actor.memberships().iter().find_map(|m| m.organisation_id));
        let event = self.event(Some(user), "shadow.filed", "shadow:*", serde_json::json!({"indicator": definition.code}));
        Ok(self.store.add_shadow_value(&shadow, user, self.now(), &event).await?)
    }

    /// The municipality's answer to a shadow value, once.
    pub async fn reply_to_shadow(&self, actor: &Actor, id: i64, text: &str) -> AppResult<ShadowValue> {
        let user = signed_in(actor)?;
        let shadow = self.store.get_shadow_value(id).await?;
        let city = self.city_of(&shadow.data.area).await?;
        if !actor.may(Permission::ManageCity(&city)) {
            return Err(AppError::Forbidden);
        }
        let text = parse_statement("reply", text)?;
        let event = self.event(Some(user), "shadow.answered", format!("shadow:{id}"), serde_json::json!({}));
        match self.store.reply_to_shadow_value(id, user, &text, self.now(), &event).await {
            Ok(replied) => Ok(replied),
            Err(StoreError::Conflict { .. }) => Err(AppError::Conflict("this shadow value has a reply already".into())),
            Err(other) => Err(other.into()),
        }
    }

    /// One shadow value; they are public.
    pub async fn shadow_value(&self, id: i64) -> AppResult<ShadowValue> {
        Ok(self.store.get_shadow_value(id).await?)
    }

    /// Shadow values of an indicator in an area; they are public, like published values.
    pub async fn shadow_values(&self, indicator: &str, area: &str) -> AppResult<Vec<ShadowValue>> {
        let indicator = self.indicator(indicator, None).await?.code;
        let area = AreaCode::parse(area).map_err(|e| AppError::Invalid(FieldErrors::single("area", e)))?;
        Ok(self.store.list_shadow_values(&indicator, &area).await?)
    }
}
