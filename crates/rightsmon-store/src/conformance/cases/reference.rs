//! Reference data: themes, rights, codelists.

use super::*;

pub async fn themes_are_upserted_idempotently(store: S) {
    assert_eq!(store.upsert_theme(&theme("HOUSING", 1), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.upsert_theme(&theme("HOUSING", 1), &audit()).await.unwrap(), Written::Unchanged);
    assert_eq!(store.upsert_theme(&theme("CLIMATE", 0), &audit()).await.unwrap(), Written::Created);
    let mut changed = theme("HOUSING", 1);
    changed.name = Texts::from_pairs([("en", "Housing"), ("nl", "Wonen")]).unwrap();
    assert_eq!(store.upsert_theme(&changed, &audit()).await.unwrap(), Written::Updated);
    let themes = store.list_themes().await.unwrap();
    assert_eq!(themes.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(), ["CLIMATE", "HOUSING"], "ordered by position");
    assert_eq!(themes[1], changed);
}

pub async fn rights_are_upserted_and_listed_by_kind(store: S) {
    store.upsert_right(&title(1), &audit()).await.unwrap();
    store.upsert_right(&title(4), &audit()).await.unwrap();
    assert_eq!(store.upsert_right(&article(34), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.upsert_right(&article(34), &audit()).await.unwrap(), Written::Unchanged);
    store.upsert_right(&article(1), &audit()).await.unwrap();
    let goal = Right::new(RightCode::sdg_goal(5).unwrap(), None, 5, Texts::english("Gender equality").unwrap(), None).unwrap();
    store.upsert_right(&goal, &audit()).await.unwrap();
    let target = Right::new(
        RightCode::sdg_target("5.2").unwrap(),
        Some(goal.code.clone()),
        2,
        Texts::english("Violence").unwrap(),
        Some(Texts::english("Eliminate all forms of violence").unwrap()),
    )
    .unwrap();
    store.upsert_right(&target, &audit()).await.unwrap();
    let articles = store.list_rights(Some(RightKind::CharterArticle)).await.unwrap();
    assert_eq!(articles.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["CFR-1", "CFR-34"]);
    assert_eq!(articles[1], article(34));
    assert_eq!(store.list_rights(None).await.unwrap().len(), 6);
    assert_eq!(store.list_rights(Some(RightKind::SdgTarget)).await.unwrap(), vec![target]);
}

pub async fn codelists_round_trip_with_their_codes(store: S) {
    let item = |code: &str, name: &str| CodeItem { code: Code::parse(code).unwrap(), name: Texts::from_pairs([("en", name)]).unwrap() };
    let sex = Codelist::new(
        DimensionId::parse("CL_SEX").unwrap(),
        DimensionId::parse("SEX").unwrap(),
        Texts::english("Sex").unwrap(),
        vec![item("_T", "Total"), item("F", "Female"), item("M", "Male")],
    )
    .unwrap();
    assert_eq!(store.upsert_codelist(&sex, &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.upsert_codelist(&sex, &audit()).await.unwrap(), Written::Unchanged);
    let fewer = Codelist::new(sex.id().clone(), sex.dimension().clone(), sex.name().clone(), vec![item("_T", "Total"), item("F", "Women")])
        .unwrap();
    assert_eq!(store.upsert_codelist(&fewer, &audit()).await.unwrap(), Written::Updated);
    assert_eq!(store.list_codelists().await.unwrap(), vec![fewer]);
}
