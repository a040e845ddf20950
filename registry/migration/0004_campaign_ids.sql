-- Campaign IDs: every scorer takes fresh ones from this sequence, so an ID
-- names one campaign across scorer processes and restarts. It starts at 1:
-- -1 is no campaign, and 0 is never issued (an Alert's zero value).
CREATE SEQUENCE campaign_ids AS INTEGER MINVALUE 1 START 1;
