//! Areas and district outlines.

use super::*;

pub async fn areas_need_an_existing_parent(store: S) {
    expect_not_found(store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await);
    assert_eq!(store.upsert_area(&area("net", "network", None), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await.unwrap(), Written::Created);
    assert_eq!(store.upsert_area(&area("ghent", "city", Some("net")), &audit()).await.unwrap(), Written::Unchanged);
    let mut renamed = area("ghent", "city", Some("net"));
    renamed.local_name = Some("Gent".into());
    assert_eq!(store.upsert_area(&renamed, &audit()).await.unwrap(), Written::Updated);
    assert_eq!(store.get_area(&city("ghent")).await.unwrap(), renamed);
    // A district must sit in a city, not in the network.
    store.upsert_area(&area("wijk", "district", Some("ghent")), &audit()).await.unwrap();
    let misplaced = area("wijk2", "district", Some("net"));
    assert!(store.upsert_area(&misplaced, &audit()).await.is_err());
}

pub async fn areas_are_listed_by_kind_and_parent(store: S) {
    base(&store).await;
    let cities = store.list_areas(Some(AreaKind::City), None).await.unwrap();
    assert_eq!(cities.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["ghent", "padova"]);
    let districts = store.list_areas(None, Some(&city("ghent"))).await.unwrap();
    assert_eq!(districts.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(), ["centrum"]);
    assert_eq!(store.list_areas(None, None).await.unwrap().len(), 4);
}

pub async fn an_unknown_area_is_not_found(store: S) {
    expect_not_found(store.get_area(&city("nowhere")).await);
}

pub async fn district_boundaries_are_replaced_as_a_whole(store: S) {
    use rightsmon_domain::area::Boundary;
    base(&store).await;
    let square = |x: f64| vec![vec![vec![[x, 51.0], [x + 0.01, 51.0], [x + 0.01, 51.01], [x, 51.01], [x, 51.0]]]];
    let outline = |code: &str, x: f64| (area(code, "district", Some("ghent")), Boundary { area: city(code), polygons: square(x) });
    // The existing district gets an outline; a new one is created with its own.
    let first = vec![outline("centrum", 3.7), outline("ledeberg", 3.72)];
    store.replace_boundaries(&city("ghent"), &first, Timestamp(10), &audit()).await.unwrap();
    let stored = store.list_boundaries(&city("ghent")).await.unwrap();
    assert_eq!(stored.iter().map(|b| b.area.as_str()).collect::<Vec<_>>(), ["centrum", "ledeberg"]);
    assert_eq!(stored[1].polygons, square(3.72), "coordinates round-trip exactly");
    assert_eq!(store.get_area(&city("ledeberg")).await.unwrap().parent, Some(city("ghent")));
    // A second upload replaces the first: a district left out keeps its area, not its outline.
    store.replace_boundaries(&city("ghent"), &[outline("ledeberg", 3.73)], Timestamp(11), &audit()).await.unwrap();
    let stored = store.list_boundaries(&city("ghent")).await.unwrap();
    assert_eq!((stored.len(), stored[0].polygons.clone()), (1, square(3.73)));
    assert!(store.get_area(&city("centrum")).await.is_ok());
    assert!(store.list_boundaries(&city("padova")).await.unwrap().is_empty());
    // Another city's district, or an area of another kind, fails the whole upload.
    let foreign = vec![
        outline("wijk", 3.74),
        (area("padova-centro", "district", Some("padova")), Boundary { area: city("padova-centro"), polygons: square(3.75) }),
    ];
    expect_conflict(store.replace_boundaries(&city("ghent"), &foreign, Timestamp(12), &audit()).await);
    expect_not_found(store.get_area(&city("wijk")).await);
    store.upsert_area(&area("padova-centro", "district", Some("padova")), &audit()).await.unwrap();
    let stolen = vec![(area("padova-centro", "district", Some("ghent")), Boundary { area: city("padova-centro"), polygons: square(3.75) })];
    expect_conflict(store.replace_boundaries(&city("ghent"), &stolen, Timestamp(13), &audit()).await);
    assert_eq!(store.get_area(&city("padova-centro")).await.unwrap().parent, Some(city("padova")));
    assert_eq!(store.list_boundaries(&city("ghent")).await.unwrap().len(), 1, "nothing of a failed upload is kept");
    expect_not_found(store.replace_boundaries(&city("atlantis"), &[], Timestamp(14), &audit()).await);
}
