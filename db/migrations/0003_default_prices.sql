-- The default price list, in point units (1 point = 10,000 units) per message part. A fresh
-- installation can send from its first start; operators change these rows for their tariffs.
INSERT INTO prices (country, units_per_part) VALUES
  ('BG', 650), ('RO', 900), ('GR', 1000), ('DE', 1400), ('GB', 1100), ('US', 700)
ON CONFLICT (country) DO NOTHING;
