-- A civil-society value or assessment says how it was found, as an official value does.
ALTER TABLE shadow_values ADD COLUMN method_note TEXT;
