//! The instance as a whole.

use super::*;

pub async fn the_instance_tables_are_the_schema(store: S) {
    use crate::instance::{BOOKKEEPING_TABLES, INSTANCE_TABLES};
    let schema = store.schema_columns().await.unwrap();
    for (table, columns) in &schema {
        if BOOKKEEPING_TABLES.contains(&table.as_str()) {
            continue;
        }
        let spec = crate::instance::table_spec(table).unwrap_or_else(|| panic!("the table {table} is missing from INSTANCE_TABLES"));
        assert_eq!(spec.column_names(), *columns, "the columns of {table}");
    }
    for spec in INSTANCE_TABLES {
        assert!(schema.iter().any(|(t, _)| t == spec.name), "INSTANCE_TABLES names {}, which the schema lacks", spec.name);
    }
}

pub async fn an_instance_is_exported_whole_and_loaded_only_into_an_empty_database(store: S) {
    base(&store).await;
    let def = indicator("C-1", 1, None, "HOUSING", "CFR-34");
    store.put_indicator_version(&def, Timestamp(1), &audit()).await.unwrap();
    store.create_user(&new_user("ana"), Timestamp(1), &audit()).await.unwrap();
    store
        .insert_observation(&observation(&def, "ghent", "2020", "", "10", WorkflowState::Draft), None, Timestamp(1), &audit())
        .await
        .unwrap();
    let mut collected = Collected(Vec::new());
    let counts = store.export_instance(&mut collected).await.unwrap();
    let count = |name: &str| counts.iter().find(|(t, _)| *t == name).map(|(_, n)| *n);
    assert_eq!((count("observations"), count("users"), count("areas")), (Some(1), Some(1), Some(4)));
    assert_eq!(count("audit_events"), Some(u64::try_from(store.list_audit(0, 1000).await.unwrap().len()).unwrap()));
    // Parents come before their children.
    let areas = collected.0.iter().skip_while(|i| !matches!(i, InstanceItem::Table(t) if t.name == "areas")).nth(1).cloned();
    assert!(matches!(areas, Some(InstanceItem::Row(values)) if values[0] == "net"), "the network first");
    // This database holds an instance: it takes no other.
    let replay = Replay(collected.0.iter().cloned().map(Ok).collect::<Vec<_>>().into_iter());
    expect_conflict(store.import_instance(&mut Replay(replay.0)).await);
}
