//! Generations: a number per scope that every change of what findings rest on counts up, in
//! the transaction of the change (migration 0008). The network's scope is `""` (definitions,
//! codelists, areas, decisions), a city's is its code (its values and their states, its targets,
//! civil society's values and replies, its organisations).

use super::*;

/// Counts up the generation of `scope`.
pub(super) async fn bump_generation(tx: &mut sqlx::Transaction<'_, Db>, scope: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO generations (scope, value) VALUES ($1, 1) ON CONFLICT (scope) DO UPDATE SET value = generations.value + 1")
        .bind(scope.to_owned())
        .execute(&mut **tx)
        .await
        .map_err(err)?;
    Ok(())
}

/// Counts up the generation of the city an area is or lies in (the network's for the network).
pub(super) async fn bump_generation_of_area(tx: &mut sqlx::Transaction<'_, Db>, area: &AreaCode) -> StoreResult<()> {
    let city = city_code_in(tx, area).await?;
    bump_generation(tx, city.as_deref().unwrap_or("")).await
}

/// Counts up the generation of the city an observation lies in.
pub(super) async fn bump_generation_of_observation(tx: &mut sqlx::Transaction<'_, Db>, id: i64) -> StoreResult<()> {
    let row = sqlx::query("SELECT city_code FROM observations WHERE id = $1").bind(id).fetch_one(&mut **tx).await.map_err(err)?;
    let city: Option<String> = get(&row, "city_code")?;
    bump_generation(tx, city.as_deref().unwrap_or("")).await
}

/// The generation of what a city's findings rest on: the network's and the city's together,
/// which grows whenever either does.
pub(super) async fn findings_generation(store: &Backend, city: &AreaCode) -> StoreResult<i64> {
    // PostgreSQL sums BIGINT to NUMERIC; the cast brings it back.
    let row = sqlx::query("SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) AS n FROM generations WHERE scope = '' OR scope = $1")
        .bind(city.as_str().to_owned())
        .fetch_one(store.pool())
        .await
        .map_err(err)?;
    get(&row, "n")
}
