-- Surveys of residents: each wave of a city's survey with its design description and the
-- estimates made from it after disclosure control (JSON), and, apart, the respondents' file
-- (deflated, base64), kept only to estimate again and deleted on request while the survey and
-- its estimates stay.

CREATE TABLE surveys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    city_code TEXT NOT NULL REFERENCES areas (code),
    title TEXT NOT NULL,
    period TEXT NOT NULL,
    design TEXT NOT NULL,
    file_name TEXT NOT NULL,
    respondents BIGINT NOT NULL,
    estimates TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users (id),
    uploaded_at BIGINT NOT NULL,
    microdata_deleted_by BIGINT REFERENCES users (id),
    microdata_deleted_at BIGINT
);
CREATE INDEX surveys_city ON surveys (city_code);

CREATE TABLE survey_microdata (
    survey_id BIGINT PRIMARY KEY REFERENCES surveys (id),
    content TEXT NOT NULL
);
