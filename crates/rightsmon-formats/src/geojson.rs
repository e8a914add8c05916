//! District outlines as GeoJSON (RFC 7946): a FeatureCollection of Polygon or MultiPolygon
//! features in longitude and latitude, each naming its district with a `code` property (or the
//! feature's `id`) and a `name` property. Reading checks every feature and reports each problem
//! with the feature's number; the outlines are then simplified (Douglas–Peucker) so that maps
//! stay light, without a ring ever falling below a triangle.

use crate::FormatError;
use rightsmon_domain::id::AreaCode;
use serde_json::Value;

/// The most features and positions a file may hold.
pub const MAX_FEATURES: usize = 500;
pub const MAX_POSITIONS: usize = 500_000;
/// The default tolerance of the simplification, as a share of the diagonal of all outlines.
pub const DEFAULT_TOLERANCE: f64 = 1.0 / 2000.0;

pub type Ring = Vec<[f64; 2]>;
pub type Polygon = Vec<Ring>;

/// One district's outline.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictOutline {
    pub code: AreaCode,
    pub name: String,
    pub polygons: Vec<Polygon>,
}

/// A file's outlines, with the number of positions before and after simplification.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlines {
    pub districts: Vec<DistrictOutline>,
    pub positions_read: usize,
    pub positions_kept: usize,
}

fn problem(feature: usize, message: impl std::fmt::Display) -> FormatError {
    FormatError::file(format!("feature {feature}: {message}"))
}

/// Reads and checks a GeoJSON file, then simplifies its outlines with `tolerance` (a share of the
/// diagonal of all outlines; [`DEFAULT_TOLERANCE`] when `None`, no simplification at 0).
pub fn read(bytes: &[u8], tolerance: Option<f64>) -> Result<Outlines, Vec<FormatError>> {
    let root: Value = serde_json::from_slice(bytes).map_err(|e| vec![FormatError::file(format!("not JSON: {e}"))])?;
    let features: Vec<&Value> = match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match root.get("features").and_then(Value::as_array) {
            Some(features) => features.iter().collect(),
            None => return Err(vec![FormatError::file("a FeatureCollection needs a \"features\" array")]),
        },
        Some("Feature") => vec![&root],
        Some(other) => return Err(vec![FormatError::file(format!("expected a FeatureCollection of district outlines, not a {other}"))]),
        None => return Err(vec![FormatError::file("not GeoJSON: the file has no \"type\"")]),
    };
    if features.is_empty() {
        return Err(vec![FormatError::file("the file holds no feature")]);
    }
    if features.len() > MAX_FEATURES {
        return Err(vec![FormatError::file(format!("{} features; a city has at most {MAX_FEATURES} districts", features.len()))]);
    }
    let mut errors = Vec::new();
    let mut districts: Vec<DistrictOutline> = Vec::new();
    let mut positions_read = 0;
    for (i, feature) in features.iter().enumerate() {
        let n = i + 1;
        match read_feature(n, feature, &mut positions_read) {
            Ok(district) => {
                if districts.iter().any(|d| d.code == district.code) {
                    errors.push(problem(n, format!("the code {:?} is used by an earlier feature", district.code.as_str())));
                } else {
                    districts.push(district);
                }
            }
            Err(e) => errors.push(e),
        }
        if positions_read > MAX_POSITIONS {
            errors.push(FormatError::file(format!("more than {MAX_POSITIONS} positions; simplify the outlines before uploading")));
            break;
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let tolerance = tolerance.unwrap_or(DEFAULT_TOLERANCE).max(0.0) * diagonal(&districts);
    let mut positions_kept = 0;
    for district in &mut districts {
        for polygon in &mut district.polygons {
            for ring in polygon.iter_mut() {
                if tolerance > 0.0 {
                    *ring = simplify_ring(ring, tolerance);
                }
                for p in ring.iter_mut() {
                    *p = [round6(p[0]), round6(p[1])];
                }
                positions_kept += ring.len();
            }
        }
    }
    Ok(Outlines { districts, positions_read, positions_kept })
}

/// Coordinates to a millionth of a degree (about 10 cm).
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn read_feature(n: usize, feature: &Value, positions: &mut usize) -> Result<DistrictOutline, FormatError> {
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        return Err(problem(n, "not a Feature"));
    }
    let properties = feature.get("properties").and_then(Value::as_object);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let code = properties
        .and_then(|p| p.get("code"))
        .and_then(text)
        .or_else(|| feature.get("id").and_then(text))
        .filter(|c| !c.is_empty())
        .ok_or_else(|| problem(n, "no district code: give each feature a \"code\" property (or an \"id\")"))?;
    let code = AreaCode::parse(&code).map_err(|e| problem(n, format!("the code {code:?}: {}", e.message)))?;
    let name = properties.and_then(|p| p.get("name")).and_then(text).filter(|s| !s.is_empty()).unwrap_or_else(|| code.to_string());
    if name.chars().count() > 200 {
        return Err(problem(n, "the name is longer than 200 characters"));
    }
    let geometry = feature.get("geometry").filter(|g| !g.is_null()).ok_or_else(|| problem(n, "no geometry"))?;
    let coordinates = geometry.get("coordinates").ok_or_else(|| problem(n, "the geometry has no coordinates"))?;
    let polygons = match geometry.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![polygon(n, coordinates, positions)?],
        Some("MultiPolygon") => {
            let parts = coordinates.as_array().ok_or_else(|| problem(n, "a MultiPolygon's coordinates are a list of polygons"))?;
            if parts.is_empty() {
                return Err(problem(n, "the MultiPolygon is empty"));
            }
            parts.iter().map(|p| polygon(n, p, positions)).collect::<Result<_, _>>()?
        }
        Some(other) => return Err(problem(n, format!("a district is a Polygon or a MultiPolygon, not a {other}"))),
        None => return Err(problem(n, "the geometry has no type")),
    };
    Ok(DistrictOutline { code, name, polygons })
}

fn polygon(n: usize, value: &Value, positions: &mut usize) -> Result<Polygon, FormatError> {
    let rings = value.as_array().ok_or_else(|| problem(n, "a polygon is a list of rings"))?;
    if rings.is_empty() {
        return Err(problem(n, "a polygon needs an outer ring"));
    }
    rings.iter().map(|r| ring(n, r, positions)).collect()
}

fn ring(n: usize, value: &Value, positions: &mut usize) -> Result<Ring, FormatError> {
    let items = value.as_array().ok_or_else(|| problem(n, "a ring is a list of positions"))?;
    let mut ring = Vec::with_capacity(items.len());
    for item in items {
        let pair = item.as_array().filter(|p| p.len() >= 2).ok_or_else(|| problem(n, "a position is [longitude, latitude]"))?;
        let (Some(lon), Some(lat)) = (pair[0].as_f64(), pair[1].as_f64()) else {
            return Err(problem(n, "a position is two numbers, [longitude, latitude]"));
        };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(problem(n, format!("[{lon}, {lat}] is not a longitude and latitude in degrees (WGS 84, as GeoJSON requires)")));
        }
        ring.push([lon, lat]);
    }
    *positions += ring.len();
    if ring.len() < 4 {
        return Err(problem(n, "a ring needs at least four positions, the last equal to the first"));
    }
    if ring.first() != ring.last() {
        return Err(problem(n, "a ring must end where it starts"));
    }
    if area(&ring).abs() < 1e-14 {
        return Err(problem(n, "a ring encloses no area"));
    }
    Ok(ring)
}

/// Twice the signed area of a closed ring (shoelace formula).
fn area(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum()
}

fn diagonal(districts: &[DistrictOutline]) -> f64 {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in districts.iter().flat_map(|d| d.polygons.iter()).flat_map(|p| p.iter()).flat_map(|r| r.iter()) {
        (x0, y0, x1, y1) = (x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1]));
    }
    if x0.is_finite() { ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt() } else { 0.0 }
}

/// Distance of `p` from the segment `a`–`b`.
fn distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let length = dx * dx + dy * dy;
    let t = if length == 0.0 { 0.0 } else { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length).clamp(0.0, 1.0) };
    ((p[0] - a[0] - t * dx).powi(2) + (p[1] - a[1] - t * dy).powi(2)).sqrt()
}

/// Douglas–Peucker on an open line: the indices to keep.
fn keep(points: &[[f64; 2]], tolerance: f64, first: usize, last: usize, kept: &mut Vec<bool>) {
    if last <= first + 1 {
        return;
    }
    let (mut far, mut index) = (0.0, first);
    for i in first + 1..last {
        let d = distance(points[i], points[first], points[last]);
        if d > far {
            (far, index) = (d, i);
        }
    }
    if far > tolerance {
        kept[index] = true;
        keep(points, tolerance, first, index, kept);
        keep(points, tolerance, index, last, kept);
    }
}

/// A closed ring simplified: split at the position farthest from the start, each half simplified,
/// and the result never less than four positions (a closed triangle).
pub fn simplify_ring(ring: &[[f64; 2]], tolerance: f64) -> Ring {
    let open = &ring[..ring.len() - 1];
    if open.len() <= 3 {
        return ring.to_vec();
    }
    let start = open[0];
    let far = (1..open.len()).max_by(|&a, &b| distance(open[a], start, start).total_cmp(&distance(open[b], start, start))).unwrap_or(1);
    let mut kept = vec![false; ring.len()];
    let last = ring.len() - 1;
    (kept[0], kept[far], kept[last]) = (true, true, true);
    keep(ring, tolerance, 0, far, &mut kept);
    keep(ring, tolerance, far, last, &mut kept);
    let mut simplified: Ring = ring.iter().zip(&kept).filter(|(_, k)| **k).map(|(p, _)| *p).collect();
    if simplified.len() < 4 {
        // Keep the position farthest from the line between the two kept ones, making a triangle.
        let third = (1..last)
            .filter(|&i| i != far)
            .max_by(|&a, &b| distance(ring[a], ring[0], ring[far]).total_cmp(&distance(ring[b], ring[0], ring[far])));
        if let Some(third) = third {
            kept[third] = true;
        }
        simplified = ring.iter().zip(&kept).filter(|(_, k)| **k).map(|(p, _)| *p).collect();
    }
    simplified
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &str) -> Vec<u8> {
        format!(r#"{{"type": "FeatureCollection", "features": [{features}]}}"#).into_bytes()
    }

    const SQUARE: &str = r#"{"type": "Feature", "properties": {"code": "ghent-centrum", "name": "Centrum"},
        "geometry": {"type": "Polygon", "coordinates": [[[3.70, 51.05], [3.71, 51.05], [3.71, 51.06], [3.70, 51.06], [3.70, 51.05]]]}}"#;

    #[test]
    fn a_collection_of_polygons_reads_with_codes_and_names() {
        let outlines = read(&collection(SQUARE), None).unwrap();
        assert_eq!(outlines.districts.len(), 1);
        assert_eq!(outlines.districts[0].code.as_str(), "ghent-centrum");
        assert_eq!(outlines.districts[0].name, "Centrum");
        assert_eq!(outlines.districts[0].polygons[0][0].len(), 5, "a square keeps its corners");
        assert_eq!((outlines.positions_read, outlines.positions_kept), (5, 5));
    }

    #[test]
    fn every_bad_feature_is_reported_with_its_number() {
        let bad = collection(&format!(
            r#"{SQUARE},
            {{"type": "Feature", "properties": {{"name": "No code"}}, "geometry": {{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}}},
            {{"type": "Feature", "properties": {{"code": "open"}}, "geometry": {{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1]]]}}}},
            {{"type": "Feature", "properties": {{"code": "far"}}, "geometry": {{"type": "Polygon", "coordinates": [[[400000,0],[1,0],[1,1],[400000,0]]]}}}},
            {{"type": "Feature", "properties": {{"code": "point"}}, "geometry": {{"type": "Point", "coordinates": [1, 2]}}}},
            {{"type": "Feature", "properties": {{"code": "ghent-centrum"}}, "geometry": {{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}}},
            {{"type": "Feature", "properties": {{"code": "flat"}}, "geometry": {{"type": "Polygon", "coordinates": [[[0,0],[1,0],[2,0],[0,0]]]}}}}"#
        ));
        let errors = read(&bad, None).unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 6, "{messages:#?}");
        assert!(messages[0].starts_with("feature 2: no district code"));
        assert!(messages[1].starts_with("feature 3: a ring must end where it starts"));
        assert!(messages[2].starts_with("feature 4: [400000, 0] is not a longitude and latitude"));
        assert!(messages[3].starts_with("feature 5: a district is a Polygon or a MultiPolygon, not a Point"));
        assert!(messages[4].contains("used by an earlier feature"));
        assert!(messages[5].starts_with("feature 7: a ring encloses no area"));
        assert!(read(b"not json", None).unwrap_err()[0].to_string().starts_with("not JSON"));
        assert!(read(br#"{"type": "Point", "coordinates": [0, 0]}"#, None).is_err());
        assert!(read(&collection(""), None).is_err());
    }

    #[test]
    fn simplification_drops_the_wiggles_and_keeps_at_least_a_triangle() {
        // A square whose sides wiggle by a hair.
        let mut ring: Ring = Vec::new();
        for i in 0..100 {
            ring.push([f64::from(i) / 100.0, if i % 2 == 0 { 0.0 } else { 1e-6 }]);
        }
        ring.extend([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]);
        let simplified = simplify_ring(&ring, 0.001);
        assert!(simplified.len() <= 6, "{simplified:?}");
        assert_eq!(simplified.first(), simplified.last());
        assert!((area(&simplified) - area(&ring)).abs() < 0.01);
        let triangle = simplify_ring(&[[0.0, 0.0], [1.0, 0.0], [0.5, 0.001], [0.0, 1e-4], [0.0, 0.0]], 10.0);
        assert!(triangle.len() >= 4 && triangle.first() == triangle.last(), "{triangle:?}");
    }
}
