-- Survey indicators: values estimated from a survey wave carry their sampling uncertainty
-- beside their bounds (standard error, design effect, respondents, the bounds' confidence
-- level), and the values a wave could not publish stand as withheld, with the rule that
-- withheld them (JSON), where the value would be.

ALTER TABLE observations
    ADD COLUMN standard_error DOUBLE PRECISION,
    ADD COLUMN design_effect DOUBLE PRECISION,
    ADD COLUMN respondents BIGINT,
    ADD COLUMN confidence DOUBLE PRECISION;

CREATE TABLE withheld_values (
    indicator_code TEXT NOT NULL,
    version BIGINT NOT NULL,
    area_code TEXT NOT NULL REFERENCES areas (code),
    city_code TEXT NOT NULL REFERENCES areas (code),
    period TEXT NOT NULL,
    disaggregation TEXT NOT NULL,
    survey_id BIGINT NOT NULL REFERENCES surveys (id),
    reason TEXT NOT NULL,
    FOREIGN KEY (indicator_code, version) REFERENCES indicator_versions (indicator_code, version),
    PRIMARY KEY (indicator_code, version, area_code, period, disaggregation)
);
CREATE INDEX withheld_values_city ON withheld_values (city_code, indicator_code);
