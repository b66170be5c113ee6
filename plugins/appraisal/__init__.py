"""The appraisal plugin: performance appraisal by the regulation's chapter 4 (R4.1-R4.4) and our R10."""
