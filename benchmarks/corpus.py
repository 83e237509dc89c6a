"""A deterministic policy repository at a payer's scale, for the scale benchmarks.

Run: .venv/bin/python -m benchmarks.corpus --size S|M|L --out DIR [--seed N] [--git]

Writes policies/ (an organisation file, version files and retirement records) into DIR:
S about 200 versions, M 2,000 (about 30 MB), L 20,000 (about 300 MB). The same size and
seed give the same bytes. The repository looks like a real one to the validator:

* twelve clinical topics, each with its own CPT ranges, HCPCS codes, ICD-10-CM, ICD-9-CM
  and ICD-10-PCS codes (the ICD codes exist in the installed code sets), criteria with a
  threshold, limits, prior authorisation and documentation;
* tens of codes per version, and every 100th version a code list of 1,500 rows, as
  billing and coding articles print them;
* 1 to 6 versions per policy, a year or two apart, some posted months before they take
  effect, some in the future, a few drafts and a few overdue for review;
* ICD-9-CM tables in versions before 2015-10-01, ending then, and ICD-10 tables from then;
* consolidations: policies replaced by another and retired by a retirement record;
* CPT 97545 in every version, with the same determination, so that a lookup of it and
  the repository rules for it touch every version without reporting conflicts;
* background, summary and references as long as published policies print them.

DIR must be new, empty, or a corpus this module wrote (it holds the marker file
``.policyrepo-corpus.json``, which also names what the benchmarks query and change).
With ``--git`` the corpus is committed, with a fixed author and date, so that
``policyrepo validate --base HEAD`` can run in it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from random import Random
from typing import Any

#: Versions written for each size.
SIZES = {"S": 200, "M": 2_000, "L": 20_000}
#: Names the directory as this module's output; holds what the benchmarks need to know.
MARKER = ".policyrepo-corpus.json"
#: Changes whenever the same size and seed would give other bytes.
GENERATOR_VERSION = 1
#: The day the corpus is judged on: reviews, versions in effect, future versions.
TODAY = date(2026, 11, 29)
ICD10_START = date(2015, 10, 1)
#: No version takes effect earlier.
FIRST_DAY = date(2008, 1, 1)
#: The code every version lists.
SHARED_CODE = ("CPT", "97545")
#: Every HEAVY_EVERY-th version lists HEAVY_ROWS code rows.
HEAVY_EVERY = 100
HEAVY_ROWS = 1_500
ORGANIZATION = "Lakeshore Health Plan"

# Codes ------------------------------------------------------------------------------


def code_table(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Categories as written below: a line "category title", then its codes, indented."""
    table: dict[str, tuple[str, tuple[str, ...]]] = {}
    category = ""
    for line in text.strip("\n").splitlines():
        if line.startswith(" "):
            title, codes = table[category]
            table[category] = (title, codes + tuple(line.split()))
        else:
            category, title = line.split(" ", 1)
            table[category] = (title, ())
    return table


#: ICD-10-CM categories with their titles and codes, each in FY2024 and April 2026.
ICD10_CM = code_table(
    """
M47 Spondylosis
    M47.011 M47.012 M47.013 M47.014 M47.015 M47.016 M47.019 M47.021 M47.022 M47.029 M47.10
    M47.11 M47.12 M47.13 M47.14 M47.15
M48 Other spondylopathies
    M48.00 M48.01 M48.02 M48.03 M48.04 M48.05 M48.061 M48.062 M48.07 M48.08 M48.10 M48.11
    M48.12 M48.13 M48.14 M48.15
M51 Thoracic, thoracolumbar, and lumbosacral intervertebral disc disorders
    M51.04 M51.05 M51.06 M51.14 M51.15 M51.16 M51.17 M51.24 M51.25 M51.26 M51.27 M51.34
    M51.35 M51.44 M51.45 M51.46
M54 Dorsalgia
    M54.00 M54.01 M54.02 M54.03 M54.04 M54.05 M54.06 M54.07 M54.08 M54.09 M54.10 M54.11
    M54.12 M54.13 M54.14 M54.15
S33 Dislocation and sprain of joints and ligaments of lumbar spine and pelvis
    S33.0XXA S33.0XXD S33.0XXS S33.100A S33.100D S33.100S S33.101A S33.101D S33.101S
    S33.110A S33.110D S33.110S S33.111A S33.111D S33.111S S33.120A
G89 Pain, not elsewhere classified
    G89.0 G89.11 G89.12 G89.18 G89.21 G89.22 G89.28 G89.29 G89.3 G89.4
I20 Angina pectoris
    I20.0 I20.1 I20.2 I20.81 I20.89 I20.9
I25 Chronic ischemic heart disease
    I25.10 I25.110 I25.111 I25.112 I25.118 I25.119 I25.2 I25.3 I25.41 I25.42 I25.5 I25.6
    I25.700 I25.701 I25.702 I25.708
I34 Nonrheumatic mitral valve disorders
    I34.0 I34.1 I34.2 I34.81 I34.89 I34.9
I35 Nonrheumatic aortic valve disorders
    I35.0 I35.1 I35.2 I35.8 I35.9
I48 Atrial fibrillation and flutter
    I48.0 I48.11 I48.19 I48.20 I48.21 I48.3 I48.4 I48.91 I48.92
I50 Heart failure
    I50.1 I50.20 I50.21 I50.22 I50.23 I50.30 I50.31 I50.32 I50.33 I50.40 I50.41 I50.42
    I50.43 I50.810 I50.811 I50.812
R01 Cardiac murmurs and other cardiac sounds
    R01.0 R01.1 R01.2
R07 Pain in throat and chest
    R07.0 R07.1 R07.2 R07.81 R07.82 R07.89 R07.9
Z01 Encounter for other special examination without complaint, suspected or reported diagnosis
    Z01.00 Z01.01 Z01.020 Z01.021 Z01.10 Z01.110 Z01.118 Z01.12 Z01.20 Z01.21 Z01.30 Z01.31
    Z01.411 Z01.419 Z01.42 Z01.810
I10 Essential (primary) hypertension
    I10
E10 Type 1 diabetes mellitus
    E10.10 E10.11 E10.21 E10.22 E10.29 E10.311 E10.319 E10.3211 E10.3212 E10.3213 E10.3219
    E10.3291 E10.3292 E10.3293 E10.3299 E10.3311
E11 Type 2 diabetes mellitus
    E11.00 E11.01 E11.10 E11.11 E11.21 E11.22 E11.29 E11.311 E11.319 E11.3211 E11.3212
    E11.3213 E11.3219 E11.3291 E11.3292 E11.3293
E66 Overweight and obesity
    E66.01 E66.09 E66.1 E66.2 E66.3 E66.9
G47 Sleep disorders
    G47.00 G47.01 G47.09 G47.10 G47.11 G47.12 G47.13 G47.14 G47.19 G47.20 G47.21 G47.22
    G47.23 G47.24 G47.25 G47.26
M16 Osteoarthritis of hip
    M16.0 M16.10 M16.11 M16.12 M16.2 M16.30 M16.31 M16.32 M16.4 M16.50 M16.51 M16.52 M16.6
    M16.7 M16.9
M17 Osteoarthritis of knee
    M17.0 M17.10 M17.11 M17.12 M17.2 M17.30 M17.31 M17.32 M17.4 M17.5 M17.9
S83 Dislocation and sprain of joints and ligaments of knee
    S83.001A S83.001D S83.001S S83.002A S83.002D S83.002S S83.003A S83.003D S83.003S
    S83.004A S83.004D S83.004S S83.005A S83.005D S83.005S S83.006A
Z96 Presence of other functional implants
    Z96.0 Z96.1 Z96.20 Z96.21 Z96.22 Z96.29 Z96.3 Z96.41 Z96.49 Z96.5 Z96.60 Z96.611 Z96.612
    Z96.619 Z96.621 Z96.622
M25 Other joint disorder, not elsewhere classified
    M25.00 M25.011 M25.012 M25.019 M25.021 M25.022 M25.029 M25.031 M25.032 M25.039 M25.041
    M25.042 M25.049 M25.051 M25.052 M25.059
C61 Malignant neoplasm of prostate
    C61
N40 Benign prostatic hyperplasia
    N40.0 N40.1 N40.2 N40.3
C18 Malignant neoplasm of colon
    C18.0 C18.1 C18.2 C18.3 C18.4 C18.5 C18.6 C18.7 C18.8 C18.9
C34 Malignant neoplasm of bronchus and lung
    C34.00 C34.01 C34.02 C34.10 C34.11 C34.12 C34.2 C34.30 C34.31 C34.32 C34.80 C34.81
    C34.82 C34.90 C34.91 C34.92
C50 Malignant neoplasm of breast
    C50.011 C50.012 C50.019 C50.021 C50.022 C50.029 C50.111 C50.112 C50.119 C50.121 C50.122
    C50.129 C50.211 C50.212 C50.219 C50.221
R97 Abnormal tumor markers
    R97.0 R97.1 R97.20 R97.21 R97.8
M75 Shoulder lesions
    M75.00 M75.01 M75.02 M75.100 M75.101 M75.102 M75.110 M75.111 M75.112 M75.120 M75.121
    M75.122 M75.20 M75.21 M75.22 M75.30
M79 Other and unspecified soft tissue disorders, not elsewhere classified
    M79.0 M79.10 M79.11 M79.12 M79.18 M79.2 M79.3 M79.4 M79.5 M79.601 M79.602 M79.603
    M79.604 M79.605 M79.606 M79.609
S52 Fracture of forearm
    S52.001A S52.001B S52.001C S52.001D S52.001E S52.001F S52.001G S52.001H S52.001J
    S52.001K S52.001M S52.001N S52.001P S52.001Q S52.001R S52.001S
G43 Migraine
    G43.001 G43.009 G43.011 G43.019 G43.101 G43.109 G43.111 G43.119 G43.401 G43.409 G43.411
    G43.419 G43.501 G43.509 G43.511 G43.519
G44 Other headache syndromes
    G44.001 G44.009 G44.011 G44.019 G44.021 G44.029 G44.031 G44.039 G44.041 G44.049 G44.051
    G44.059 G44.091 G44.099 G44.1 G44.201
R51 Headache
    R51.0 R51.9
J44 Other chronic obstructive pulmonary disease
    J44.0 J44.1 J44.81 J44.89 J44.9
J45 Asthma
    J45.20 J45.21 J45.22 J45.30 J45.31 J45.32 J45.40 J45.41 J45.42 J45.50 J45.51 J45.52
    J45.901 J45.902 J45.909 J45.990
J84 Other interstitial pulmonary diseases
    J84.01 J84.02 J84.03 J84.09 J84.10 J84.111 J84.112 J84.113 J84.114 J84.115 J84.116
    J84.117 J84.170 J84.178 J84.2 J84.81
R06 Abnormalities of breathing
    R06.00 R06.01 R06.02 R06.03 R06.09 R06.1 R06.2 R06.3 R06.4 R06.5 R06.6 R06.7 R06.81
    R06.82 R06.83 R06.89
F32 Depressive episode
    F32.0 F32.1 F32.2 F32.3 F32.4 F32.5 F32.81 F32.89 F32.9 F32.A
F33 Major depressive disorder, recurrent
    F33.0 F33.1 F33.2 F33.3 F33.40 F33.41 F33.42 F33.8 F33.9
F41 Other anxiety disorders
    F41.0 F41.1 F41.3 F41.8 F41.9
F43 Reaction to severe stress, and adjustment disorders
    F43.0 F43.10 F43.11 F43.12 F43.20 F43.21 F43.22 F43.23 F43.24 F43.25 F43.29 F43.81
    F43.89 F43.9
N18 Chronic kidney disease (CKD)
    N18.1 N18.2 N18.30 N18.31 N18.32 N18.4 N18.5 N18.6 N18.9
N17 Acute kidney failure
    N17.0 N17.1 N17.2 N17.8 N17.9
I12 Hypertensive chronic kidney disease
    I12.0 I12.9
"""
)

#: ICD-9-CM categories with their titles and codes (v32, the last edition).
ICD9_CM = code_table(
    """
722 Intervertebral disc disorders
    722.0 722.10 722.11 722.2 722.30 722.31 722.32 722.39 722.4 722.51
724 Other and unspecified disorders of back
    724.00 724.01 724.02 724.03 724.09 724.1 724.2 724.3 724.4 724.5
847 Sprains and strains of other and unspecified parts of back
    847.0 847.1 847.2 847.3 847.4 847.9
338 Pain, not elsewhere classified
    338.0 338.11 338.12 338.18 338.19 338.21 338.22 338.28 338.29 338.3
414 Other forms of chronic ischemic heart disease
    414.00 414.01 414.02 414.03 414.04 414.05 414.06 414.07 414.10 414.11
427 Cardiac dysrhythmias
    427.0 427.1 427.2 427.31 427.32 427.41 427.42 427.5 427.60 427.61
428 Heart failure
    428.0 428.1 428.20 428.21 428.22 428.23 428.30 428.31 428.32 428.33
401 Essential hypertension
    401.0 401.1 401.9
424 Other diseases of endocardium
    424.0 424.1 424.2 424.3 424.90 424.91 424.99
250 Diabetes mellitus
    250.00 250.01 250.02 250.03 250.10 250.11 250.12 250.13 250.20 250.21
278 Overweight, obesity and other hyperalimentation
    278.00 278.01 278.02 278.03 278.1 278.2 278.3 278.4 278.8
327 Organic sleep disorders
    327.00 327.01 327.02 327.09 327.10 327.11 327.12 327.13 327.14 327.15
715 Osteoarthrosis and allied disorders
    715.00 715.04 715.09 715.10 715.11 715.12 715.13 715.14 715.15 715.16
719 Other and unspecified disorders of joint
    719.00 719.01 719.02 719.03 719.04 719.05 719.06 719.07 719.08 719.09
836 Dislocation of knee
    836.0 836.1 836.2 836.3 836.4 836.50 836.51 836.52 836.53 836.54
185 Malignant neoplasm of prostate
    185
600 Hyperplasia of prostate
    600.00 600.01 600.10 600.11 600.20 600.21 600.3 600.90 600.91
153 Malignant neoplasm of colon
    153.0 153.1 153.2 153.3 153.4 153.5 153.6 153.7 153.8 153.9
162 Malignant neoplasm of trachea, bronchus, and lung
    162.0 162.2 162.3 162.4 162.5 162.8 162.9
174 Malignant neoplasm of female breast
    174.0 174.1 174.2 174.3 174.4 174.5 174.6 174.8 174.9
790 Nonspecific findings on examination of blood
    790.01 790.09 790.1 790.21 790.22 790.29 790.3 790.4 790.5 790.6
V57 Care involving use of rehabilitation procedures
    V57.0 V57.1 V57.21 V57.22 V57.3 V57.4 V57.81 V57.89 V57.9
813 Fracture of radius and ulna
    813.00 813.01 813.02 813.03 813.04 813.05 813.06 813.07 813.08 813.10
780 General symptoms
    780.01 780.02 780.03 780.09 780.1 780.2 780.31 780.32 780.33 780.39
346 Migraine
    346.00 346.01 346.02 346.03 346.10 346.11 346.12 346.13 346.20 346.21
339 Other headache syndromes
    339.00 339.01 339.02 339.03 339.04 339.05 339.09 339.10 339.11 339.12
496 Chronic airway obstruction, not elsewhere classified
    496
493 Asthma
    493.00 493.01 493.02 493.10 493.11 493.12 493.20 493.21 493.22 493.81
491 Chronic bronchitis
    491.0 491.1 491.20 491.21 491.22 491.8 491.9
296 Episodic mood disorders
    296.00 296.01 296.02 296.03 296.04 296.05 296.06 296.10 296.11 296.12
300 Anxiety, dissociative and somatoform disorders
    300.00 300.01 300.02 300.09 300.10 300.11 300.12 300.13 300.14 300.15
311 Depressive disorder, not elsewhere classified
    311
585 Chronic kidney disease (CKD)
    585.1 585.2 585.3 585.4 585.5 585.6 585.9
584 Acute kidney failure
    584.5 584.6 584.7 584.8 584.9
403 Hypertensive chronic kidney disease
    403.00 403.01 403.10 403.11 403.90 403.91
"""
)

#: ICD-10-PCS tables (the first four characters) with their titles and codes (FY2024).
ICD10_PCS = code_table(
    """
0SG0 Fusion of lumbar vertebral joint
    0SG0070 0SG0071 0SG007J 0SG00A0 0SG00AJ 0SG00J0 0SG00J1 0SG00JJ 0SG00K0 0SG00K1
0RG1 Fusion of cervical vertebral joint
    0RG1070 0RG1071 0RG107J 0RG10A0 0RG10AJ 0RG10J0 0RG10J1 0RG10JJ 0RG10K0 0RG10K1
0270 Dilation of coronary artery, one artery
    0270046 027004Z 0270056 027005Z 0270066 027006Z 0270076 027007Z 02700D6 02700DZ
0DB6 Excision of stomach
    0DB60Z3 0DB60ZX 0DB60ZZ 0DB63Z3 0DB63ZX 0DB63ZZ 0DB64Z3 0DB64ZX 0DB64ZZ
0D16 Bypass stomach
    0D16074 0D16079 0D1607A 0D1607B 0D1607L 0D160J4 0D160J9 0D160JA 0D160JB
0SR9 Replacement of right hip joint
    0SR9019 0SR901A 0SR901Z 0SR9029 0SR902A 0SR902Z 0SR9039 0SR903A
0SRB Replacement of left hip joint
    0SRB019 0SRB01A 0SRB01Z 0SRB029 0SRB02A 0SRB02Z 0SRB039 0SRB03A
0SRC Replacement of right knee joint
    0SRC069 0SRC06A 0SRC06Z 0SRC07Z 0SRC0EZ 0SRC0J9 0SRC0JA 0SRC0JZ
0SRD Replacement of left knee joint
    0SRD069 0SRD06A 0SRD06Z 0SRD07Z 0SRD0EZ 0SRD0J9 0SRD0JA 0SRD0JZ
0VT0 Resection of prostate
    0VT00ZZ 0VT04ZZ 0VT07ZZ 0VT08ZZ
5A1D Performance of urinary filtration
    5A1D70Z 5A1D80Z 5A1D90Z
"""
)

#: CPT Category I sections: the numbers codes are drawn from, and what their labels say.
CPT_SECTIONS: tuple[tuple[int, int, str], ...] = (
    (10021, 19499, "Integumentary system procedure"),
    (20100, 21899, "Musculoskeletal procedure"),
    (22010, 22899, "Spine procedure"),
    (23000, 29999, "Extremity and joint procedure"),
    (30000, 32999, "Respiratory system procedure"),
    (33016, 37799, "Cardiovascular system procedure"),
    (43020, 43999, "Esophagus and stomach procedure"),
    (44005, 49999, "Digestive system procedure"),
    (50010, 53899, "Urinary system procedure"),
    (54000, 55899, "Male genital system procedure"),
    (61000, 64999, "Nervous system procedure"),
    (70010, 76499, "Diagnostic radiology"),
    (76506, 76999, "Diagnostic ultrasound"),
    (77261, 77799, "Radiation oncology"),
    (80047, 89398, "Pathology and laboratory"),
    (90785, 90899, "Psychiatry"),
    (90935, 90999, "Dialysis"),
    (92920, 93799, "Cardiovascular medicine"),
    (94002, 94799, "Pulmonary medicine"),
    (95249, 95251, "Ambulatory continuous glucose monitoring"),
    (95700, 95999, "Neurology and neuromuscular procedure"),
    (97010, 97799, "Physical medicine and rehabilitation"),
    (99202, 99499, "Evaluation and management"),
)
#: How a CPT label ends, by the code's number; the add-on wording marks add-on codes.
CPT_QUALIFIERS = (
    "initial",
    "subsequent",
    "complete",
    "limited",
    "unilateral",
    "bilateral",
    "with imaging guidance",
    "without contrast material",
    "with contrast material",
    "single level",
    "each additional 15 minutes (list separately in addition to code for primary procedure)",
    "each additional level (list separately in addition to code for primary procedure)",
    "first hour",
    "per session",
)
#: Labels of the CPT codes the seed prints; every version lists both.
SHARED_CPT = {
    "97545": "Work hardening/conditioning; initial 2 hours",
    "97546": "Work hardening/conditioning; each additional hour (list separately in addition "
    "to code for primary procedure)",
}

# Topics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    measure: str
    comparison: str
    value: str
    #: The value a revision changes it to, as CG-MED-45 lowered PSA from 10 to 3.0.
    revised: str
    unit: str
    #: The criterion's wording, with {value} where the number goes.
    wording: str


@dataclass(frozen=True)
class LimitSpec:
    kind: str
    quantity: int
    count: int
    unit: str
    grace_days: int | None
    text: str


@dataclass(frozen=True)
class Topic:
    slug: str
    titles: tuple[str, ...]
    condition: str
    cpt: tuple[tuple[int, int], ...]
    hcpcs: Mapping[str, str]
    icd10: tuple[str, ...]
    icd9: tuple[str, ...]
    pcs: tuple[str, ...]
    threshold: Threshold
    indications: tuple[str, ...]
    society: tuple[str, str]
    limit: LimitSpec | None = None


TOPICS: tuple[Topic, ...] = (
    Topic(
        "spine",
        ("Lumbar Spinal Fusion", "Cervical Spine Surgery", "Epidural Steroid Injections"),
        "degenerative disease of the spine",
        ((22010, 22899), (62320, 62327), (63001, 63295)),
        {
            "L0631": "Lumbar-sacral orthosis, sagittal control, with rigid anterior and "
            "posterior panels, prefabricated",
            "E0748": "Osteogenesis stimulator, electrical, noninvasive, spinal applications",
        },
        ("M47", "M48", "M51", "M54", "S33", "G89"),
        ("722", "724", "847", "338"),
        ("0SG0", "0RG1"),
        Threshold(
            "Oswestry Disability Index",
            ">=",
            "40",
            "30",
            "%",
            "an Oswestry Disability Index score of {value}% or greater",
        ),
        (
            "spinal stenosis with neurogenic claudication confirmed by imaging",
            "spondylolisthesis with instability on flexion-extension radiographs",
            "progressive neurological deficit",
            "pseudarthrosis after a previous fusion",
        ),
        ("North American Spine Society (NASS)", "NASS"),
    ),
    Topic(
        "cardiac",
        (
            "Transthoracic Echocardiography",
            "Cardiac Rehabilitation",
            "Ambulatory Electrocardiographic Monitoring",
        ),
        "structural or ischemic heart disease",
        ((92920, 93799), (33016, 33999)),
        {
            "G0422": "Intensive cardiac rehabilitation; with or without continuous ECG "
            "monitoring with exercise, per session",
            "G0423": "Intensive cardiac rehabilitation; with or without continuous ECG "
            "monitoring; without exercise, per session",
        },
        ("I20", "I25", "I34", "I35", "I48", "I50", "R01", "R07", "Z01", "I10"),
        ("414", "427", "428", "401", "424"),
        ("0270",),
        Threshold(
            "left ventricular ejection fraction",
            "<=",
            "35",
            "40",
            "%",
            "left ventricular ejection fraction of {value}% or less",
        ),
        (
            "a new or changed cardiac murmur",
            "symptoms of heart failure",
            "evaluation after myocardial infarction",
            "suspected valvular heart disease",
        ),
        ("American College of Cardiology (ACC)", "ACC"),
        LimitSpec("services", 36, 1, "year", None, "Up to 36 sessions in a 12-month period."),
    ),
    Topic(
        "diabetes",
        ("Continuous Glucose Monitors", "Diabetic Supplies", "Insulin Pumps"),
        "diabetes mellitus",
        ((95249, 95251), (82947, 82962), (83036, 83037)),
        {
            "A4253": "Blood glucose test or reagent strips for home blood glucose monitor, "
            "per 50 strips",
            "A4258": "Spring-powered device for lancet, each",
            "A4259": "Lancets, per box of 100",
            "E0607": "Home blood glucose monitor",
            "K0553": "Supply allowance for therapeutic continuous glucose monitor (CGM), "
            "includes all supplies and accessories, 1 month supply = 1 unit of service",
            "K0554": "Receiver (monitor), dedicated, for use with therapeutic glucose "
            "continuous monitor system",
            "A9276": "Sensor; invasive (e.g., subcutaneous), disposable, for use with "
            "interstitial continuous glucose monitoring system, one unit = 1 day supply",
            "A9277": "Transmitter; external, for use with interstitial continuous glucose "
            "monitoring system",
        },
        ("E10", "E11"),
        ("250",),
        (),
        Threshold("HbA1c", ">", "8.0", "7.0", "%", "an HbA1c greater than {value}%"),
        (
            "insulin treatment with three or more injections a day",
            "problematic hypoglycemia",
            "use of an insulin pump",
        ),
        ("American Diabetes Association (ADA)", "ADA"),
        LimitSpec(
            "units",
            18,
            90,
            "day",
            10,
            "A4253, Maximum Units 18, Frequency 3 months/90 days. When the total units of "
            "service for a Healthcare Common Procedure Coding System (HCPCS) code has "
            "exceeded the maximum allowed within the specified time frame, our health plan "
            "will allow up to that limit and deny the remaining units.",
        ),
    ),
    Topic(
        "bariatric",
        ("Bariatric Surgery", "Revisional Bariatric Surgery"),
        "severe obesity",
        ((43644, 43775), (43840, 43888)),
        {},
        ("E66", "E11", "I10", "G47"),
        ("278", "250", "401", "327"),
        ("0DB6", "0D16"),
        Threshold(
            "BMI",
            ">=",
            "40",
            "35",
            "kg/m2",
            "a body mass index (BMI) of {value} kg/m2 or greater",
        ),
        (
            "type 2 diabetes mellitus",
            "obstructive sleep apnea",
            "hypertension uncontrolled on medication",
            "a documented weight-loss program of six months",
        ),
        ("American Society for Metabolic and Bariatric Surgery (ASMBS)", "ASMBS"),
    ),
    Topic(
        "joints",
        ("Total Knee Arthroplasty", "Total Hip Arthroplasty", "Shoulder Arthroscopy"),
        "advanced joint disease",
        ((27125, 27447), (29805, 29999)),
        {
            "L1832": "Knee orthosis, adjustable knee joints (unicentric or polycentric), "
            "positional orthosis, rigid support, prefabricated",
            "E0114": "Crutches underarm, other than wood, adjustable or fixed, pair, with pad, "
            "tip and handgrip",
        },
        ("M16", "M17", "S83", "Z96", "M25"),
        ("715", "719", "836"),
        ("0SR9", "0SRB", "0SRC", "0SRD"),
        Threshold(
            "pain score",
            ">=",
            "7",
            "5",
            "points",
            "pain of {value} or more on a 10-point scale despite treatment",
        ),
        (
            "radiographic evidence of joint space narrowing",
            "limitation of daily activities",
            "failure of a previous arthroplasty",
        ),
        ("American Academy of Orthopaedic Surgeons (AAOS)", "AAOS"),
    ),
    Topic(
        "oncology",
        ("Transrectal Ultrasonography", "Proton Beam Therapy", "Prostate Biopsy"),
        "prostate cancer",
        ((55700, 55875), (76872, 76873), (77261, 77799)),
        {
            "G0103": "Prostate cancer screening; prostate specific antigen test (PSA)",
            "G0102": "Prostate cancer screening; digital rectal examination",
        },
        ("C61", "N40", "C18", "C34", "C50", "R97"),
        ("185", "600", "153", "162", "174", "790"),
        ("0VT0",),
        Threshold(
            "PSA",
            ">",
            "10.0",
            "3.0",
            "ng/mL",
            "prostate-specific antigen (PSA) level greater than {value} ng/ml",
        ),
        (
            "abnormal digital rectal examination (DRE)",
            "guidance of cryotherapy or brachytherapy",
            "staging of prostate or rectal cancer",
            "hematospermia, azoospermia, or male infertility",
        ),
        ("American Urological Association (AUA)", "AUA"),
    ),
    Topic(
        "rehabilitation",
        ("Work Hardening Programs", "Physical Therapy", "Occupational Therapy"),
        "a work-related injury",
        ((97010, 97799),),
        {
            "G0283": "Electrical stimulation (unattended), to one or more areas for "
            "indication(s) other than wound care, as part of a therapy plan of care",
            "E0730": "Transcutaneous electrical nerve stimulation (TENS) device, four or more "
            "leads, for multiple nerve stimulation",
        },
        ("M54", "M75", "M79", "S33", "S52", "G89"),
        ("724", "719", "847", "V57", "813"),
        (),
        Threshold(
            "functional capacity",
            "<",
            "50",
            "60",
            "%",
            "functional capacity below {value}% of the job's physical demands",
        ),
        (
            "a defined return-to-work goal agreed by the employer",
            "a job demands analysis",
            "completion of an acute rehabilitation program",
        ),
        ("American Physical Therapy Association (APTA)", "APTA"),
        LimitSpec(
            "services", 20, 1, "year", None, "Up to 20 visits per member in a calendar year."
        ),
    ),
    Topic(
        "sleep",
        ("Polysomnography and Home Sleep Testing", "Positive Airway Pressure Devices"),
        "obstructive sleep apnea",
        ((95782, 95811), (94660, 94660)),
        {
            "E0601": "Continuous positive airway pressure (CPAP) device",
            "E0470": "Respiratory assist device, bi-level pressure capability, without backup "
            "rate feature",
            "G0398": "Home sleep study test (HST) with type II portable monitor, unattended; "
            "minimum of 7 channels",
            "G0399": "Home sleep test (HST) with type III portable monitor, unattended; "
            "minimum of 4 channels",
            "A7030": "Full face mask used with positive airway pressure device, each",
        },
        ("G47", "R06", "E66"),
        ("327", "780"),
        (),
        Threshold(
            "apnea-hypopnea index",
            ">=",
            "15",
            "5",
            "events/hour",
            "an apnea-hypopnea index (AHI) of {value} or more events per hour",
        ),
        (
            "excessive daytime sleepiness",
            "witnessed apneas",
            "hypertension or ischemic heart disease",
        ),
        ("American Academy of Sleep Medicine (AASM)", "AASM"),
        LimitSpec("services", 1, 12, "month", None, "One sleep study in a 12-month period."),
    ),
    Topic(
        "neurology",
        ("Botulinum Toxin for Chronic Migraine", "Occipital Nerve Stimulation"),
        "chronic migraine",
        ((64612, 64617), (95700, 95999)),
        {
            "J0585": "Injection, onabotulinumtoxinA, 1 unit",
            "J0587": "Injection, rimabotulinumtoxinB, 100 units",
        },
        ("G43", "G44", "R51"),
        ("346", "339"),
        (),
        Threshold(
            "headache days per month",
            ">=",
            "15",
            "8",
            "days",
            "headaches on {value} or more days per month",
        ),
        (
            "failure of two preventive medications",
            "headaches lasting four hours a day or longer",
            "medication overuse has been addressed",
        ),
        ("American Headache Society (AHS)", "AHS"),
        LimitSpec("services", 1, 12, "week", None, "One treatment session every 12 weeks."),
    ),
    Topic(
        "pulmonary",
        ("Pulmonary Rehabilitation", "Home Oxygen Therapy"),
        "chronic obstructive pulmonary disease",
        ((94002, 94799),),
        {
            "G0424": "Pulmonary rehabilitation, including exercise (includes monitoring), one "
            "hour, per session, up to two sessions per day",
            "E1390": "Oxygen concentrator, single delivery port, capable of delivering 85 "
            "percent or greater oxygen concentration at the prescribed flow rate",
        },
        ("J44", "J45", "J84", "R06"),
        ("496", "493", "491"),
        (),
        Threshold("FEV1", "<", "50", "70", "% predicted", "FEV1 below {value}% of predicted"),
        (
            "dyspnea on exertion despite optimal medication",
            "a decline in functional status",
            "resting oxygen saturation of 88% or less",
        ),
        ("American Thoracic Society (ATS)", "ATS"),
        LimitSpec("services", 36, 1, "year", None, "Up to 36 sessions in a lifetime episode."),
    ),
    Topic(
        "behavioral",
        ("Transcranial Magnetic Stimulation", "Intensive Outpatient Programs"),
        "treatment-resistant major depression",
        ((90785, 90899),),
        {},
        ("F32", "F33", "F41", "F43"),
        ("296", "300", "311"),
        (),
        Threshold("PHQ-9", ">=", "20", "15", "points", "a PHQ-9 score of {value} or more"),
        (
            "failure of four trials of antidepressants",
            "failure of evidence-based psychotherapy",
            "intolerance of electroconvulsive therapy",
        ),
        ("American Psychiatric Association (APA)", "APA"),
        LimitSpec("services", 36, 6, "week", None, "Up to 36 sessions over six weeks."),
    ),
    Topic(
        "renal",
        ("Home Hemodialysis", "Peritoneal Dialysis"),
        "end-stage renal disease",
        ((90935, 90999),),
        {
            "E1590": "Hemodialysis machine",
            "E1592": "Automatic intermittent peritoneal dialysis system",
        },
        ("N18", "N17", "I12"),
        ("585", "584", "403"),
        ("5A1D",),
        Threshold(
            "eGFR",
            "<",
            "15",
            "20",
            "mL/min/1.73m2",
            "an estimated glomerular filtration rate (eGFR) below {value} mL/min/1.73m2",
        ),
        (
            "a trained care partner at home",
            "stable vascular access",
            "a home environment that allows safe treatment",
        ),
        ("National Kidney Foundation (NKF)", "NKF"),
    ),
)

# Prose ------------------------------------------------------------------------------

#: The seed's background (policy 0324), kept for the policies on work hardening.
SEED_BACKGROUND = (
    "Work hardening programs are also referred to as work conditioning programs, work "
    "rehabilitation, physical conditioning programs or functional restoration programs. The "
    "primary purpose of these programs is to improve work status and function, with the "
    "ultimate goal of returning an individual back to work. Treatment of the underlying "
    "medical condition is not the goal.",
    "Work hardening programs were introduced in the late 1970s as a means of rehabilitating "
    "workers and returning them to productive work. A structured program of graded physical "
    "conditioning, strengthening exercise and functional tasks is used in conjunction with "
    "real or simulated job activities. In a supervised environment, the worker will learn "
    "appropriate job performance skills, in addition to improving his or her physical "
    "condition.",
    "Occupational therapists and physical therapists are the principal providers for these "
    "programs. The program may be multidisciplinary, incorporating behavioral interventions. "
    "Traditionally, a work hardening program is initiated after the patient has completed a "
    "standard physical rehabilitation program and it appears that the patient has reached "
    "maximum medical improvement.",
)
#: Background sentences; {service} and {condition} name the policy's subject.
SENTENCES = (
    "{service} is used in the evaluation and management of {condition}.",
    "The primary purpose of {service} is to improve function and relieve symptoms, with the "
    "ultimate goal of returning the individual to usual activities.",
    "Treatment decisions are individualized and are based on the severity of symptoms, "
    "functional limitation and response to previous therapy.",
    "Published evidence consists largely of case series and a small number of randomized "
    "controlled trials, with follow-up rarely exceeding two years.",
    "Outcomes reported in the literature include pain, function, quality of life, return to "
    "work and the need for further intervention.",
    "Several systematic reviews have found improvements in short-term outcomes, although the "
    "quality of the evidence was rated low to moderate.",
    "Patient selection is critical: the best results are reported in individuals with "
    "{condition} who have not responded to a structured program of conservative care.",
    "Conservative management typically includes activity modification, supervised exercise, "
    "medication and education over a period of at least six weeks.",
    "Complications are uncommon but include infection, bleeding, and failure to achieve the "
    "intended improvement.",
    "The role of {service} relative to other treatment options continues to evolve as newer "
    "techniques and devices are introduced.",
    "Professional society guidelines recommend that {service} be performed by appropriately "
    "trained providers in an accredited setting.",
    "Cost-effectiveness analyses suggest that benefits depend strongly on the population "
    "treated and on adherence to the treatment plan.",
    "Long-term data on durability of benefit are limited, and repeat treatment is sometimes "
    "required.",
    "Clinical practice varies widely across regions, reflecting differences in access, "
    "training and local referral patterns.",
    "Documentation of baseline severity and of the response to treatment allows the "
    "treating provider and the plan to judge whether continued treatment is warranted.",
    "Individuals with significant comorbid conditions may not be suitable candidates and "
    "should be assessed by a multidisciplinary team.",
    "The U.S. Food and Drug Administration (FDA) has cleared several devices used in "
    "{service}; clearance does not by itself establish clinical benefit.",
    "Shared decision-making, in which the individual is informed of the expected benefits, "
    "risks and alternatives, is recommended before treatment begins.",
    "Standardized outcome measures, recorded before treatment and at regular intervals, are "
    "used to judge progress toward the goals of the plan of care.",
    "Most studies excluded individuals with {condition} of recent onset, so the results may "
    "not apply to them.",
    "Comparative studies of {service} against sham or usual care report mixed results, and "
    "several were stopped early because of slow enrollment.",
    "Access to {service} is limited in rural areas, where travel distance is a common reason "
    "for not completing a course of treatment.",
    "The natural history of {condition} includes periods of spontaneous improvement, which "
    "makes uncontrolled studies difficult to interpret.",
    "Registries maintained by professional societies provide data on utilization, "
    "complications and reoperation rates.",
    "When treatment does not produce measurable improvement within the expected period, "
    "continuation is not expected to change the outcome.",
)
SURNAMES = (
    "Anderson",
    "Baker",
    "Chen",
    "Dawson",
    "Evans",
    "Fischer",
    "Garcia",
    "Hoffman",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Martin",
    "Nguyen",
    "Olsen",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Weber",
    "Young",
    "Zhang",
)
JOURNALS = (
    "JAMA",
    "N Engl J Med",
    "Lancet",
    "BMJ",
    "Ann Intern Med",
    "Spine (Phila Pa 1976)",
    "J Bone Joint Surg Am",
    "Circulation",
    "Diabetes Care",
    "Obes Surg",
    "J Urol",
    "Phys Ther",
    "Sleep",
    "Headache",
    "Chest",
    "Am J Psychiatry",
    "Kidney Int",
    "Cochrane Database Syst Rev",
)
TITLE_PATTERNS = (
    "Outcomes of {service} in adults with {condition}: a randomized controlled trial",
    "{service} for {condition}: a systematic review and meta-analysis",
    "Long-term follow-up after {service}",
    "Patient selection for {service}: a prospective cohort study",
    "Cost-effectiveness of {service} compared with usual care",
    "Clinical practice guideline: {service}",
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The plan: policies, versions and dates -----------------------------------------------


@dataclass
class VersionPlan:
    effective: date
    status: str = "active"
    change: str = "new"
    published: date | None = None
    #: When the version stops applying: the next version takes effect, or the policy is
    #: retired; None while it applies.
    ends: date | None = None
    heavy: bool = False


@dataclass
class PolicyPlan:
    index: int
    number: str
    topic: Topic
    title: str
    versions: list[VersionPlan]
    retired: date | None = None
    retirement_reason: str | None = None
    #: Numbers and titles of the policies this one takes over, from ``consolidated_at``.
    replaces: list[tuple[str, str]] = field(default_factory=list)
    consolidated_at: date | None = None
    legacy: tuple[str, str] | None = None


def snap(day: date) -> date:
    """Policies take effect on the 1st or the 15th of a month."""
    return day.replace(day=1 if day.day < 15 else 15)


def random_day(rng: Random, first: date, last: date) -> date:
    return snap(first + timedelta(days=rng.randint(0, (last - first).days)))


def history(rng: Random, count: int, last: date) -> list[date]:
    """``count`` effective dates a year or two apart, ending on ``last``, none before
    FIRST_DAY (the history is cut short instead)."""
    dates = [last]
    while len(dates) < count:
        earlier = snap(dates[-1] - timedelta(days=rng.randint(365, 730)))
        if earlier < FIRST_DAY:
            break
        dates.append(earlier)
    return sorted(dates)


def version_count(rng: Random) -> int:
    """1 to 6 versions, 3 on average."""
    return rng.choices(range(1, 7), weights=(15, 20, 25, 20, 12, 8))[0]


def publish(rng: Random, plan: VersionPlan) -> None:
    """Most versions are posted weeks before they take effect; one not yet in effect is
    posted with more notice than a reduction needs (90 days), so that editing it passes
    ``validate --base``."""
    if plan.effective > TODAY:
        plan.published = plan.effective - timedelta(days=rng.randint(120, 150))
    elif rng.random() < 0.6:
        plan.published = plan.effective - timedelta(days=rng.randint(30, 150))


def policy_number(index: int, topic: Topic) -> str:
    """Mostly Cigna-style four digits; one policy in ten numbered as a guideline."""
    if index % 10 == 7:
        return f"CG-{topic.slug[:3].upper()}-{index:02d}"
    return f"{index + 1:04d}"


def new_policy(index: int, rng: Random, dates: list[date]) -> PolicyPlan:
    topic = TOPICS[index % len(TOPICS)]
    title = topic.titles[(index // len(TOPICS)) % len(topic.titles)]
    suffix = ("", "", " in Adults", ": Professional Services", " and Related Services")
    title += suffix[(index // (len(TOPICS) * len(topic.titles))) % len(suffix)]
    versions = [VersionPlan(day) for day in dates]
    for position, plan in enumerate(versions):
        if position:
            plan.change = rng.choices(("revised", "reviewed", "editorial"), (50, 35, 15))[0]
        publish(rng, plan)
    return PolicyPlan(index, policy_number(index, topic), topic, title, versions)


def plan_single(index: int, rng: Random, budget: int) -> PolicyPlan:
    """A policy in effect today, or retired, or overdue for review, or with a draft."""
    count = min(version_count(rng), budget)
    kind = rng.random()
    if kind < 0.025:  # retired without a successor
        last = random_day(rng, date(2014, 1, 1), date(2023, 6, 1))
    elif kind < 0.045:  # nobody reviewed it on time
        last = random_day(rng, date(2021, 1, 1), date(2024, 6, 1))
    else:  # current, some versions not yet in effect
        last = random_day(rng, date(2025, 12, 1), date(2027, 3, 1))
    policy = new_policy(index, rng, history(rng, count, last))
    if kind < 0.025:
        policy.retired = snap(last + timedelta(days=rng.randint(200, 700)))
        policy.retirement_reason = (
            "The policy was archived: the services it addresses are governed by the "
            "member's benefit plan documents."
        )
    elif kind > 0.99 and count < budget and last <= date(2026, 6, 1):
        draft = VersionPlan(snap(last + timedelta(days=400)), status="draft", change="revised")
        policy.versions.append(draft)
    return policy


def plan_family(index: int, rng: Random, budget: int) -> list[PolicyPlan]:
    """1 to 3 policies consolidated into a new or existing one, and retired that day."""
    replaced_count = rng.randint(1, 3)
    survivor_versions = max(2, min(version_count(rng), budget - replaced_count * 3))
    last = random_day(rng, date(2025, 12, 1), date(2027, 3, 1))
    dates = history(rng, survivor_versions, last)
    eligible = [day for day in dates if day >= date(2011, 1, 1) and day <= TODAY]
    if not eligible:
        return [plan_single(index, rng, budget)]
    consolidated = rng.choice(eligible)
    family = []
    for offset in range(replaced_count):
        count = min(rng.randint(1, 3), budget - len(dates) - sum(len(p.versions) for p in family))
        if count < 1:
            break
        ending = snap(consolidated - timedelta(days=rng.randint(120, 540)))
        replaced = new_policy(index + offset, rng, history(rng, count, ending))
        replaced.retired = consolidated
        family.append(replaced)
    survivor = new_policy(index + len(family), rng, dates)
    survivor.consolidated_at = consolidated
    survivor.replaces = [(p.number, p.title) for p in family]
    for replaced in family:
        which = "moved to" if len(family) == 1 else "was consolidated into"
        replaced.retirement_reason = f"The policy {which} {survivor.number} {survivor.title}."
    if rng.random() < 0.25:
        survivor.legacy = (f"GWH-{survivor.index:04d}", survivor.title)
    return [*family, survivor]


def plan_corpus(target: int, seed: int) -> list[PolicyPlan]:
    """Policies until exactly ``target`` versions; every 12th step a consolidation."""
    policies: list[PolicyPlan] = []
    remaining = target
    while remaining > 0:
        index = len(policies)
        rng = Random(f"{seed}:plan:{index}")
        if index % 12 == 11 and remaining >= 8:
            planned = plan_family(index, rng, remaining)
        else:
            planned = [plan_single(index, rng, remaining)]
        for policy in planned:
            policies.append(policy)
            remaining -= len(policy.versions)
    for policy in policies:
        settle(policy)
    heavy_every(policies)
    return policies


def settle(policy: PolicyPlan) -> None:
    """Each version's end: the next version in effect, or the retirement."""
    active = [v for v in policy.versions if v.status == "active"]
    for earlier, later in itertools.pairwise(active):
        earlier.ends = later.effective
    if active:
        active[-1].ends = policy.retired


def heavy_every(policies: Sequence[PolicyPlan]) -> None:
    """Every HEAVY_EVERY-th version in the order written lists HEAVY_ROWS codes."""
    position = 0
    for policy in policies:
        for plan in policy.versions:
            plan.heavy = position % HEAVY_EVERY == HEAVY_EVERY // 2 and plan.status == "active"
            position += 1


# Codes of one version ------------------------------------------------------------------


def determination_of(system: str, code: str) -> str:
    """One determination per service code across the repository, so that policies agree
    and the conflict rule has nothing to report; the shared code is not covered, as in
    the seed."""
    if code in SHARED_CPT:
        return "not-covered"
    bucket = zlib.crc32(f"{system}:{code}".encode()) % 10
    return "not-covered" if bucket < 3 else "covered" if bucket == 9 else "conditionally-covered"


def cpt_label(code: str) -> str:
    if code in SHARED_CPT:
        return SHARED_CPT[code]
    number = int(code)
    section = next(label for first, last, label in CPT_SECTIONS if first <= number <= last)
    return f"{section}, {CPT_QUALIFIERS[number % len(CPT_QUALIFIERS)]}"


def cpt_codes(ranges: Sequence[tuple[int, int]]) -> list[str]:
    return [
        f"{n:05d}"
        for first, last in ranges
        for n in range(first, last + 1)
        if f"{n:05d}" not in SHARED_CPT
    ]


@cache
def all_cpt() -> tuple[str, ...]:
    return tuple(cpt_codes([(first, last) for first, last, _ in CPT_SECTIONS]))


CodeTable = Mapping[str, tuple[str, tuple[str, ...]]]


def icd_codes(table: CodeTable, categories: Sequence[str]) -> list[str]:
    return [code for category in categories for code in table[category][1]]


def icd_label(table: CodeTable, code: str) -> str:
    for category in (code[:4], code[:3]):
        if category in table:
            return table[category][0]
    raise KeyError(code)


@dataclass
class CodeLists:
    """The codes a version lists, by system."""

    cpt: list[str]
    hcpcs: list[str]
    pcs: list[str]
    icd10: list[str]
    icd9: list[str]

    def revise(self, rng: Random, topic: Topic) -> CodeLists:
        """A revision drops a code or two and adds a few."""
        pool = [c for c in cpt_codes(topic.cpt) if c not in self.cpt]
        kept = [c for c in self.cpt if rng.random() > 0.08] or self.cpt[:1]
        added = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        icd10_pool = [c for c in icd_codes(ICD10_CM, topic.icd10) if c not in self.icd10]
        icd10 = self.icd10 + rng.sample(icd10_pool, min(len(icd10_pool), rng.randint(0, 2)))
        return CodeLists(sorted(kept + added), self.hcpcs, self.pcs, sorted(icd10), self.icd9)


def base_codes(rng: Random, topic: Topic) -> CodeLists:
    """Tens of codes, as most policies list, with at least two that criteria govern."""
    pool = cpt_codes(topic.cpt)
    cpt = rng.sample(pool, min(len(pool), rng.randint(5, 25)))
    conditional = [c for c in pool if determination_of("CPT", c) == "conditionally-covered"]
    if sum(determination_of("CPT", c) == "conditionally-covered" for c in cpt) < 2:
        cpt += [c for c in conditional[:2] if c not in cpt]
    hcpcs = sorted(c for c in topic.hcpcs if rng.random() < 0.7)
    pcs_pool = icd_codes(ICD10_PCS, topic.pcs)
    pcs = sorted(rng.sample(pcs_pool, min(len(pcs_pool), 6))) if rng.random() < 0.5 else []
    icd10_pool = icd_codes(ICD10_CM, topic.icd10)
    icd10 = rng.sample(icd10_pool, min(len(icd10_pool), rng.randint(5, 30)))
    icd9_pool = icd_codes(ICD9_CM, topic.icd9)
    icd9 = rng.sample(icd9_pool, min(len(icd9_pool), rng.randint(4, 20)))
    return CodeLists(sorted(cpt), hcpcs, pcs, sorted(icd10), sorted(icd9))


def heavy_codes(rng: Random, eras: Eras) -> CodeLists:
    """HEAVY_ROWS rows: every diagnosis of the pools the version's eras use, then CPT."""
    icd10 = icd_codes(ICD10_CM, list(ICD10_CM)) if eras.icd10 else []
    icd9 = icd_codes(ICD9_CM, list(ICD9_CM)) if eras.icd9 else []
    cpt_count = HEAVY_ROWS - len(icd10) - len(icd9) - len(SHARED_CPT)
    cpt = rng.sample(all_cpt(), cpt_count)
    return CodeLists(sorted(cpt), [], [], icd10, icd9)


@dataclass(frozen=True)
class Eras:
    """Which ICD editions a version's window reaches, and the dates of service that keep
    its tables inside their edition's era."""

    icd9: bool
    icd10: bool
    icd9_through: str | None
    icd10_from: str | None

    @classmethod
    def of(cls, plan: VersionPlan) -> Eras:
        reaches_icd10 = plan.status == "draft" or plan.ends is None or plan.ends > ICD10_START
        before_icd10 = plan.effective < ICD10_START
        return cls(
            icd9=before_icd10,
            icd10=reaches_icd10,
            icd9_through="2015-09-30" if before_icd10 and reaches_icd10 else None,
            icd10_from=str(ICD10_START) if before_icd10 and reaches_icd10 else None,
        )


# Documents ----------------------------------------------------------------------------

HEADINGS = {
    "conditionally-covered": "Medically Necessary When Criteria Are Met",
    "covered": "Covered",
    "not-covered": "Not Medically Necessary/Not Covered",
}
GROUP_PREFIX = {
    "conditionally-covered": "medically-necessary",
    "covered": "covered",
    "not-covered": "not-medically-necessary",
}
BASIS = {
    "conditionally-covered": "medically-necessary",
    "covered": "medically-necessary",
    "not-covered": "not-medically-necessary",
}


@dataclass
class PolicyContent:
    """What stays the same across a policy's versions unless a revision changes it."""

    codes: CodeLists
    seed_style: bool
    requires_diagnosis: bool
    dual: tuple[list[str], list[str]] | None
    applicability: dict[str, Any] | None
    applies_to: str
    statement_applicability: dict[str, Any] | None
    prior_authorization: dict[str, Any] | None
    documentation: list[dict[str, Any]]
    limit: LimitSpec | None
    modifiers: dict[str, list[str]] | None
    billing: bool
    experimental: bool
    background: list[str]
    summary: str
    references: list[dict[str, Any]]
    related: list[dict[str, str]]
    history: list[dict[str, str]]


def service_groups(lists: CodeLists) -> list[dict[str, Any]]:
    """Service codes by determination, then system: one table per heading and system."""
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for system, codes in (("CPT", lists.cpt), ("HCPCS", lists.hcpcs), ("ICD-10-PCS", lists.pcs)):
        for code in codes:
            rows.setdefault((determination_of(system, code), system), []).append(
                service_row(system, code)
            )
    for code in SHARED_CPT:
        rows.setdefault(("not-covered", "CPT"), []).append(service_row("CPT", code))
    groups = []
    for determination in HEADINGS:
        for system in ("CPT", "HCPCS", "ICD-10-PCS"):
            if (determination, system) in rows:
                group = {
                    "id": f"{GROUP_PREFIX[determination]}-{system.lower()}",
                    "heading": HEADINGS[determination],
                    "determination": determination,
                    "basis": BASIS[determination],
                    "system": system,
                    "codes": sorted(rows[determination, system], key=lambda row: row["code"]),
                }
                groups.append(group)
    return groups


def service_row(system: str, code: str) -> dict[str, Any]:
    if system == "CPT":
        label = cpt_label(code)
        row: dict[str, Any] = {"code": code, "label": label}
        if "list separately" in label:
            row["add_on"] = True
        return row
    if system == "HCPCS":
        topic_labels = (topic.hcpcs[code] for topic in TOPICS if code in topic.hcpcs)
        return {"code": code, "label": next(topic_labels)}
    return {"code": code, "label": icd_label(ICD10_PCS, code)}


def diagnosis_group(
    group_id: str, heading: str, system: str, codes: Sequence[str], dates: dict[str, str]
) -> dict[str, Any]:
    table = ICD10_CM if system == "ICD-10-CM" else ICD9_CM
    group: dict[str, Any] = {
        "id": group_id,
        "heading": heading,
        "determination": "covered",
        "basis": "medically-necessary",
        "system": system,
    }
    if dates:
        group["dates_of_service"] = dates
    group["codes"] = [{"code": code, "label": icd_label(table, code)} for code in codes]
    return group


def diagnosis_groups(
    content: PolicyContent, lists: CodeLists, eras: Eras
) -> tuple[list[dict[str, Any]], list[str], bool]:
    """The diagnosis tables, the ids a statement's any_of names, and whether the
    dual-diagnosis groups are there."""
    groups, supporting = [], []
    icd10_dates = {"from": eras.icd10_from} if eras.icd10_from else {}
    icd9_dates = {"through": eras.icd9_through} if eras.icd9_through else {}
    dual = content.dual is not None and eras.icd10 and not content.seed_style
    # A code is listed once per version: the dual-diagnosis groups keep theirs.
    paired = {code for codes in content.dual or () for code in codes} if dual else set()
    icd10 = [code for code in lists.icd10 if code not in paired]
    heading = "ICD-10 Codes that Support Medical Necessity"
    if eras.icd10 and icd10:
        groups.append(
            diagnosis_group("supporting-diagnoses", heading, "ICD-10-CM", icd10, icd10_dates)
        )
        supporting.append("supporting-diagnoses")
    if eras.icd9 and lists.icd9:
        groups.append(
            diagnosis_group(
                "supporting-diagnoses-icd-9",
                "ICD-9 Codes that Support Medical Necessity",
                "ICD-9-CM",
                lists.icd9,
                icd9_dates,
            )
        )
        supporting.append("supporting-diagnoses-icd-9")
    if dual and content.dual is not None:
        for number, codes in enumerate(content.dual, start=1):
            groups.append(
                diagnosis_group(
                    f"dual-group-{number}",
                    f"ICD-10 Codes that Support Medical Necessity Group {number}: Codes",
                    "ICD-10-CM",
                    codes,
                    icd10_dates,
                )
            )
    if content.seed_style:
        groups += catch_all_groups(eras, icd9_dates, icd10_dates)
    return groups, supporting, dual


def catch_all_groups(
    eras: Eras, icd9_dates: dict[str, str], icd10_dates: dict[str, str]
) -> list[dict[str, Any]]:
    """The seed's "All other codes" rows: every diagnosis no other table lists."""
    groups = []
    for system, wanted, dates in (
        ("ICD-10-CM", eras.icd10, icd10_dates),
        ("ICD-9-CM", eras.icd9, icd9_dates),
    ):
        if not wanted:
            continue
        group: dict[str, Any] = {
            "id": f"not-medically-necessary-{system.lower()}",
            "heading": "Not Medically Necessary/Not Covered",
            "determination": "not-covered",
            "basis": "not-medically-necessary",
            "system": system,
        }
        if dates:
            group["dates_of_service"] = dates
        group["codes"] = []
        group["catch_all"] = "All other codes"
        groups.append(group)
    return groups


REVENUE_CODES = {
    "0420": "Physical therapy, general",
    "0430": "Occupational therapy, general",
    "0440": "Speech-language pathology, general",
    "0510": "Clinic, general",
    "0761": "Treatment room",
}


def billing_group() -> dict[str, Any]:
    return {
        "id": "outpatient-revenue-codes",
        "heading": "Revenue codes",
        "system": "REVENUE",
        "codes": [{"code": code, "label": label} for code, label in REVENUE_CODES.items()],
    }


def criteria_tree(policy: PolicyPlan, threshold_value: str) -> dict[str, Any]:
    """An all-of tree with a threshold, an at-least group and an any-of group."""
    topic = policy.topic
    threshold = topic.threshold
    indications = [
        {"id": f"indication-{number}", "text": text[0].upper() + text[1:]}
        for number, text in enumerate(topic.indications, start=1)
    ]
    return {
        "id": "indications",
        "text": f"{policy.title} is considered medically necessary when ALL of the "
        "following criteria are met:",
        "all_of": [
            {
                "id": "confirmed-diagnosis",
                "text": f"The individual has a confirmed diagnosis of {topic.condition}, "
                "documented in the medical record.",
            },
            {
                "id": "severity",
                "text": threshold.wording.format(value=threshold_value),
                "threshold": {
                    "measure": threshold.measure,
                    "comparison": threshold.comparison,
                    "value": threshold_value,
                    "unit": threshold.unit,
                },
            },
            {
                "id": "clinical-indications",
                "text": "At least one of the following:",
                "at_least": 1,
                "of": indications,
            },
            {
                "id": "conservative-care",
                "text": "Failure of conservative management, including any of the following:",
                "any_of": [
                    {
                        "id": "supervised-exercise",
                        "text": "a supervised exercise or therapy program of at least six weeks",
                    },
                    {
                        "id": "medication",
                        "text": "medication at an adequate dose for an adequate period",
                    },
                    {
                        "id": "activity-modification",
                        "text": "activity modification and education",
                    },
                ],
            },
        ],
    }


def limit_of(spec: LimitSpec) -> dict[str, Any]:
    limit: dict[str, Any] = {
        "id": f"{spec.kind}-per-{spec.count}-{spec.unit}",
        "kind": spec.kind,
        "quantity": spec.quantity,
        "per": {"count": spec.count, "unit": spec.unit},
        "scope": "member",
    }
    if spec.grace_days:
        limit["grace"] = {"count": spec.grace_days, "unit": "day"}
    limit["text"] = spec.text
    return limit


def statements(
    policy: PolicyPlan,
    content: PolicyContent,
    groups: list[dict[str, Any]],
    supporting: list[str],
    dual: bool,
) -> list[dict[str, Any]]:
    """The coverage statements, naming the groups this version has."""
    title = policy.title
    by_determination: dict[str, list[str]] = {}
    for group in groups:
        if group["system"] in ("CPT", "HCPCS", "ICD-10-PCS"):
            by_determination.setdefault(group["determination"], []).append(group["id"])
    decides = not content.seed_style
    made = []
    necessary = by_determination.get("conditionally-covered", [])
    if necessary:
        made.append(medically_necessary(policy, content, necessary if decides else [], supporting))
    if dual and necessary:
        made.append(
            {
                "id": "dual-diagnosis",
                "determination": "conditionally-covered",
                "basis": "medically-necessary",
                "text": f"{title} for a pre-procedure evaluation must be billed with a "
                "diagnosis from Group 1 and a secondary diagnosis from Group 2.",
                "services": necessary,
                "diagnoses": {"all_of": ["dual-group-1", "dual-group-2"]},
            }
        )
    if "covered" in by_determination:
        statement = {
            "id": "covered",
            "determination": "covered",
            "basis": "medically-necessary",
            "text": f"The services listed as covered in this policy are covered for "
            f"{policy.topic.condition} without further criteria.",
        }
        if decides:
            statement["services"] = by_determination["covered"]
        made.append(statement)
    not_covered = {
        "id": "not-medically-necessary",
        "determination": "not-covered",
        "basis": "not-medically-necessary",
        "text": f"{title} is considered not medically necessary when the criteria above are "
        "not met and for all other indications. Work hardening and work conditioning "
        "programs (CPT 97545, 97546) are considered not medically necessary.",
    }
    if decides:
        not_covered["services"] = by_determination["not-covered"]
    made.append(not_covered)
    if content.experimental:
        made.append(
            {
                "id": "experimental",
                "determination": "not-covered",
                "basis": "experimental-investigational-unproven",
                "text": f"{title} is considered experimental, investigational or unproven "
                "for any indication not listed above, including maintenance treatment once "
                "the individual has reached maximum medical improvement.",
            }
        )
    return made


def medically_necessary(
    policy: PolicyPlan, content: PolicyContent, services: list[str], supporting: list[str]
) -> dict[str, Any]:
    """The statement criteria govern; what it carries is given only with services."""
    statement: dict[str, Any] = {
        "id": "medically-necessary",
        "determination": "conditionally-covered",
        "basis": "medically-necessary",
        "text": f"{policy.title} is considered medically necessary for {policy.topic.condition} "
        "when the criteria below are met and the service is provided by a qualified "
        "provider under a written plan of care with measurable goals.",
        "criteria": "indications",
    }
    if not services:
        return statement
    statement["services"] = services
    if content.statement_applicability:
        statement["applicability"] = content.statement_applicability
    if content.requires_diagnosis and supporting:
        statement["diagnoses"] = {"any_of": supporting}
    if content.limit:
        statement["limits"] = [limit_of(content.limit)]
    if content.modifiers:
        statement["modifiers"] = content.modifiers
    if content.billing:
        statement["billing"] = ["outpatient-revenue-codes"]
    if content.prior_authorization:
        statement["prior_authorization"] = content.prior_authorization
    if content.documentation:
        statement["documentation"] = content.documentation
    return statement


def coding(
    policy: PolicyPlan, content: PolicyContent, plan: VersionPlan, lists: CodeLists
) -> tuple[dict[str, Any], list[str], bool]:
    eras = Eras.of(plan)
    if not eras.icd10:
        lists = CodeLists(lists.cpt, lists.hcpcs, [], lists.icd10, lists.icd9)
    groups = service_groups(lists)
    if eras.icd10_from:
        for group in groups:
            if group["system"] == "ICD-10-PCS":
                group["dates_of_service"] = {"from": eras.icd10_from}
    diagnoses, supporting, dual = diagnosis_groups(content, lists, eras)
    groups += diagnoses
    if content.billing:
        groups.append(billing_group())
    section: dict[str, Any] = {
        "note": "This list of codes may not be all-inclusive.",
        "all_inclusive": False,
        "copyright": "Current Procedural Terminology (CPT®) © "
        f"{plan.effective.year - 1} American Medical Association: Chicago, IL.",
    }
    if date(2023, 10, 1) <= plan.effective < date(2024, 10, 1) and eras.icd10:
        section["editions"] = {"ICD-10-CM": "FY2024"}
    section["groups"] = groups
    return section, supporting, dual


def lifecycle(policy: PolicyPlan, plan: VersionPlan, rng: Random) -> dict[str, Any]:
    effective = plan.effective
    cycle: dict[str, Any] = {"status": plan.status, "change": plan.change}
    cycle["origin"] = str(policy.versions[0].effective)
    cycle["approved"] = str(effective - timedelta(days=rng.randint(10, 45)))
    if plan.published:
        cycle["published"] = str(plan.published)
    cycle["effective"] = str(effective)
    cycle["next_review"] = str(effective + timedelta(days=365 + rng.randint(0, 60)))
    cycle["last_review"] = str(effective - timedelta(days=rng.randint(15, 60)))
    return cycle


REASONS = {
    "revised": (["coverage-change"], ["coverage-change", "cpt-hcpcs-code-changes"]),
    "reviewed": (["annual-review"], ["annual-review", "evidence-review"]),
    "editorial": (["formatting"], ["typographical-error"]),
}


def revisions(policy: PolicyPlan, upto: int, rng: Random) -> list[dict[str, Any]]:
    """The revision history printed with a version: its own entry and up to four before."""
    entries = []
    for position in range(max(1, upto - 4), upto + 1):
        plan, previous = policy.versions[position], policy.versions[position - 1]
        on = plan.published or plan.effective - timedelta(days=30)
        reasons = rng.choice(REASONS[plan.change])
        if previous.effective < ICD10_START <= plan.effective:
            reasons = sorted({*reasons, "icd-10-code-changes"})
        entries.append({"date": str(on), "reasons": reasons, "summary": revision_summary(plan)})
    return entries


def revision_summary(plan: VersionPlan) -> str:
    if plan.change == "revised":
        return (
            "Revised the medically necessary criteria and updated the list of codes. Added "
            "references from the latest review of the evidence."
        )
    if plan.change == "reviewed":
        return "Annual review: no change to the coverage position; references updated."
    return "Editorial changes to wording and formatting; no change to coverage."


def build_content(policy: PolicyPlan, rng: Random, catalog: Sequence[PolicyPlan]) -> PolicyContent:
    topic = policy.topic
    applicability, applies_to = version_applicability(rng)
    dual = None
    if len(topic.icd10) >= 2 and rng.random() < 0.25:
        first, second = rng.sample(list(topic.icd10), 2)
        dual = (list(ICD10_CM[first][1][:2]), list(ICD10_CM[second][1][:3]))
    statement_scope = None
    if applicability is None and rng.random() < 0.15:
        statement_scope = (
            {"sexes": ["male"]} if topic.slug == "oncology" else {"ages": {"minimum": 18}}
        )
    prior_authorization = prior_authorization_of(rng)
    return PolicyContent(
        codes=base_codes(rng, topic),
        seed_style=rng.random() < 0.12,
        requires_diagnosis=rng.random() < 0.7,
        dual=dual,
        applicability=applicability,
        applies_to=applies_to,
        statement_applicability=statement_scope,
        prior_authorization=prior_authorization,
        documentation=documentation_of(rng, prior_authorization is not None),
        limit=topic.limit if rng.random() < 0.6 else None,
        modifiers={"one_of": ["KX"], "excluded": ["GA", "GZ"]} if rng.random() < 0.1 else None,
        billing=rng.random() < 0.12,
        experimental=rng.random() < 0.3,
        background=background(policy, rng),
        summary=summary(policy),
        references=[reference(policy, rng, n) for n in range(rng.randint(4, 10))],
        related=related(policy, rng, catalog),
        history=lineage(policy, rng),
    )


def version_applicability(rng: Random) -> tuple[dict[str, Any] | None, str]:
    choice = rng.random()
    if choice < 0.1:
        return (
            {"lines_of_business": ["medicare-advantage"]},
            "This policy is applicable to the Company's Medicare Advantage products only. "
            "Policies that apply to commercial products are published separately.",
        )
    if choice < 0.18:
        return (
            {"settings": ["professional"]},
            "This policy does not apply to facilities (hospitals, surgery centers, kidney "
            "centers, etc.).",
        )
    if choice < 0.24:
        return (
            {"states": {"exclude": ["TN"]}},
            "This policy applies to all health benefit plans except those issued in "
            "Tennessee, where state law governs the services it addresses.",
        )
    if choice < 0.3:
        return (
            {"ages": {"minimum": 18}},
            "This policy applies to members 18 years of age and older.",
        )
    return (
        None,
        f"The following Coverage Policy applies to all health benefit plans administered by "
        f"{ORGANIZATION} and its affiliates, including plans formerly administered by "
        "Great-West Healthcare.",
    )


def prior_authorization_of(rng: Random) -> dict[str, Any] | None:
    choice = rng.random()
    if choice < 0.35:
        return {
            "required": "required",
            "text": "Prior authorization is required before the service is scheduled.",
        }
    if choice < 0.5:
        return {
            "required": "conditional",
            "condition": "when more than 12 visits or a repeat procedure within 12 months "
            "are requested",
            "text": "Prior authorization is required for visits beyond the twelfth.",
        }
    if choice < 0.6:
        return {"required": "not-required"}
    return None


def documentation_of(rng: Random, with_prior_authorization: bool) -> list[dict[str, Any]]:
    if not with_prior_authorization and rng.random() < 0.7:
        return []
    documents = [
        {
            "id": "medical-record",
            "kind": "clinical",
            "purpose": ["withpa"] if with_prior_authorization else ["retain-doc"],
            "text": "The individual's medical record must reflect the medical necessity for "
            "the care provided, including the results of the assessments the criteria name.",
        }
    ]
    if rng.random() < 0.5:
        documents.append(
            {
                "id": "written-order",
                "kind": "admin",
                "purpose": ["withorder"],
                "text": "A standard written order signed by the treating provider.",
            }
        )
    return documents


def background(policy: PolicyPlan, rng: Random) -> list[str]:
    """Three to six paragraphs; the seed's own for work hardening."""
    words = {"service": policy.title, "condition": policy.topic.condition}
    paragraphs = list(SEED_BACKGROUND) if policy.title.startswith("Work Hardening") else []
    # Sentences in a shuffled order, each once, as long as the bank lasts.
    sentences = iter(rng.sample(SENTENCES, len(SENTENCES)))
    for _ in range(len(paragraphs), rng.randint(3, 5)):
        chosen = [next(sentences) for _ in range(rng.randint(3, 5))]
        paragraphs.append(" ".join(s.format(**words) for s in chosen))
    return paragraphs


def summary(policy: PolicyPlan) -> str:
    return (
        f"{policy.title} can improve outcomes for carefully selected individuals with "
        f"{policy.topic.condition}. The evidence supports its use when the criteria of this "
        "policy are met; for other indications the evidence is insufficient to conclude that "
        "health outcomes improve. Therefore, it is considered medically necessary only when "
        "the criteria are met."
    )


def reference(policy: PolicyPlan, rng: Random, number: int) -> dict[str, Any]:
    """A journal article, or every fifth one a guideline on the web."""
    authors = [f"{rng.choice(SURNAMES)} {rng.choice('ABCDEFGHJKLMNPRSTW')}" for _ in range(3)]
    words = {"service": policy.title, "condition": policy.topic.condition}
    title = rng.choice(TITLE_PATTERNS).format(**words)
    year = rng.randint(1995, 2024)
    if number % 5 == 4:
        organization = policy.topic.society[0]
        url = f"https://www.example.org/guidelines/{policy.topic.slug}-{year}.pdf"
        return {
            "citation": f"{organization}. {title}. Updated {year}. Accessed "
            f"{MONTHS[number % 12]} 15, {year + 1}. Available at URL address: <{url}>",
            "authors": [organization],
            "title": title,
            "updated": str(year),
            "accessed": f"{year + 1}-{number % 12 + 1:02d}-15",
            "url": url,
        }
    month = rng.randint(1, 12)
    journal = rng.choice(JOURNALS)
    volume, issue, page = rng.randint(10, 400), rng.randint(1, 12), rng.randint(1, 2000)
    locator = f"{volume}({issue}):{page}-{page + rng.randint(5, 20)}"
    return {
        "citation": f"{', '.join(authors)}. {title}. {journal}. {year} "
        f"{MONTHS[month - 1]};{locator}.",
        "authors": authors,
        "title": title,
        "source": journal,
        "published": f"{year}-{month:02d}",
        "locator": locator,
    }


def related(policy: PolicyPlan, rng: Random, catalog: Sequence[PolicyPlan]) -> list[dict[str, str]]:
    """Earlier policies of the same topic by number, and of another topic by title alone,
    as documents link them."""
    earlier = catalog[: policy.index]
    same = [p for p in earlier if p.topic is policy.topic]
    rows = [
        {"title": p.title, "number": p.number}
        for p in rng.sample(same, min(len(same), rng.randint(0, 2)))
    ]
    other = [p for p in earlier[-50:] if p.topic is not policy.topic]
    if other and rng.random() < 0.3:
        rows.append({"title": rng.choice(other).title})
    return rows


def lineage(policy: PolicyPlan, rng: Random) -> list[dict[str, str]]:
    if rng.random() > 0.2:
        return []
    origin = policy.versions[0].effective
    return [
        {
            "organization": "Great-West Healthcare",
            "last_review": str(origin - timedelta(days=rng.randint(200, 900))),
            "number": policy.number,
            "title": policy.title,
        }
    ]


def versions(
    policy: PolicyPlan, content: PolicyContent, seed: int
) -> Iterator[tuple[VersionPlan, dict[str, Any]]]:
    """Each version's document; revisions change codes, the threshold and references."""
    lists = content.codes
    threshold = policy.topic.threshold.value
    for position, plan in enumerate(policy.versions):
        rng = Random(f"{seed}:{policy.number}:{plan.effective}")
        if plan.change == "revised":
            lists = lists.revise(rng, policy.topic)
            threshold = policy.topic.threshold.revised
        listed = heavy_codes(rng, Eras.of(plan)) if plan.heavy else lists
        yield plan, document(policy, content, plan, position, listed, threshold, rng)


def document(
    policy: PolicyPlan,
    content: PolicyContent,
    plan: VersionPlan,
    position: int,
    lists: CodeLists,
    threshold: str,
    rng: Random,
) -> dict[str, Any]:
    section, supporting, dual = coding(policy, content, plan, lists)
    doc: dict[str, Any] = {"format": 2, "number": policy.number, "title": policy.title}
    doc["applies_to"] = content.applies_to
    if content.applicability:
        doc["applicability"] = content.applicability
    doc["lifecycle"] = lifecycle(policy, plan, rng)
    history_rows = revisions(policy, position, rng)
    if history_rows:
        doc["revisions"] = history_rows
    if plan.effective < date(2020, 1, 1) and rng.random() < 0.03 and plan.status == "active":
        doc["corrections"] = [
            {
                "date": str(plan.effective + timedelta(days=rng.randint(30, 200))),
                "reason": "A typographical error in a code label was corrected.",
            }
        ]
    replaces = replaced_rows(policy, plan)
    if replaces:
        doc["replaces"] = replaces
    if content.related:
        doc["related_policies"] = content.related
    doc["coverage"] = statements(policy, content, section["groups"], supporting, dual)
    doc["criteria"] = [criteria_tree(policy, threshold)]
    doc["background"] = "\n\n".join(content.background)
    doc["professional_societies"] = [society(policy, plan)]
    doc["summary"] = content.summary
    doc["coding"] = section
    doc["references"] = content.references[: len(content.references) - 2 + min(position, 2)]
    if content.history:
        doc["history"] = content.history
    year = plan.effective.year
    doc["copyright"] = (
        f"Proprietary information of {ORGANIZATION}. Copyright ©{year} " + ORGANIZATION
    )
    return doc


def replaced_rows(policy: PolicyPlan, plan: VersionPlan) -> list[dict[str, Any]]:
    """From the consolidation on, every version says what it took over."""
    if policy.consolidated_at is None or plan.effective < policy.consolidated_at:
        return []
    rows: list[dict[str, Any]] = [{"number": n, "title": t} for n, t in policy.replaces]
    if policy.legacy:
        rows.append({"number": policy.legacy[0], "title": policy.legacy[1], "legacy": True})
    return rows


def society(policy: PolicyPlan, plan: VersionPlan) -> dict[str, Any]:
    organization, short = policy.topic.society
    year = plan.effective.year - 1
    return {
        "organization": organization,
        "text": f'The {organization} states that "{policy.title.lower()} should be offered to '
        f"individuals with {policy.topic.condition} who have not improved with a structured "
        "program of conservative care, and should be provided by a multidisciplinary team "
        'with measurable goals and regular reassessment." '
        f"({short}, {year})",
        "citation": f"{short}, {year}",
    }


def retirement(policy: PolicyPlan) -> dict[str, Any]:
    assert policy.retired is not None
    record: dict[str, Any] = {"format": 2, "number": policy.number}
    record["retired"] = str(policy.retired)
    record["published"] = str(policy.retired - timedelta(days=60))
    record["reason"] = policy.retirement_reason
    return record


def organization() -> dict[str, Any]:
    return {
        "name": ORGANIZATION,
        "document_title": "Medical Coverage Policy",
        "instructions_for_use": "Coverage Policies are intended to provide guidance in "
        "interpreting certain **standard** benefit plans. Please note, the terms of a "
        "customer's particular benefit plan document [Group Service Agreement (GSA), "
        "Evidence of Coverage, Certificate of Coverage, Summary Plan Description (SPD) or "
        "similar plan document] may differ significantly from the standard benefit plans "
        "upon which these Coverage Policies are based. In the event of a conflict, a "
        "customer's benefit plan document **always supersedes** the information in the "
        "Coverage Policies. Coverage determinations in each specific instance require "
        "consideration of 1) the terms of the applicable benefit plan document in effect on "
        "the date of service; 2) any applicable laws/regulations; 3) any relevant collateral "
        "source materials including Coverage Policies and; 4) the specific facts of the "
        "particular situation.",
        "trademark_notice": "CPT codes, descriptions and other data only are copyright "
        "American Medical Association. All Rights Reserved.",
        "lines_of_business": ["commercial", "medicare-advantage", "medicaid", "exchange"],
        "products": [
            {
                "id": "open-access-plus",
                "title": "Open Access Plus",
                "line_of_business": "commercial",
            },
            {"id": "choice-fund", "title": "Choice Fund", "line_of_business": "commercial"},
        ],
        "notice_days": {"reduction": 90, "prior_authorization": 60},
    }


# YAML, written the way the policy team writes it ------------------------------------------

#: Values written without quotes: identifiers and enumerations, as in the examples.
PLAIN_KEYS = frozenset(
    {
        "id",
        "determination",
        "basis",
        "system",
        "status",
        "change",
        "kind",
        "scope",
        "unit",
        "criteria",
        "required",
        "services",
        "billing",
        "any_of",
        "all_of",
        "lines_of_business",
        "line_of_business",
        "settings",
        "sexes",
        "purpose",
        "reasons",
        "include",
        "exclude",
        "one_of",
        "excluded",
    }
)
#: Prose: a block scalar once it is long.
PROSE_KEYS = frozenset(
    {
        "text",
        "summary",
        "background",
        "citation",
        "reason",
        "condition",
        "applies_to",
        "instructions_for_use",
        "trademark_notice",
    }
)
#: Small mappings written on one line.
FLOW_KEYS = frozenset({"per", "grace"})
#: Words YAML 1.1 parsers read as booleans or null, which must stay quoted.
YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
WIDTH = 100


def to_yaml(document: Mapping[str, Any], header: str = "") -> str:
    lines = [header] if header else []
    _mapping(document, 0, lines)
    return "\n".join(lines) + "\n"


def _mapping(mapping: Mapping[str, Any], indent: int, out: list[str], lead: str = "") -> None:
    pad = " " * indent
    for key, value in mapping.items():
        _entry(key, value, lead or pad, indent, out)
        lead = ""


def _entry(key: str, value: Any, lead: str, indent: int, out: list[str]) -> None:
    if isinstance(value, dict) and key in FLOW_KEYS:
        inner = ", ".join(f"{k}: {_scalar(k, v)}" for k, v in value.items())
        out.append(f"{lead}{key}: {{{inner}}}")
    elif isinstance(value, dict):
        out.append(f"{lead}{key}:")
        _mapping(value, indent + 2, out)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        out.append(f"{lead}{key}:")
        for item in value:
            _mapping(item, indent + 4, out, lead=" " * (indent + 2) + "- ")
    elif isinstance(value, list) and (key in PLAIN_KEYS or not value):
        out.append(f"{lead}{key}: [{', '.join(_scalar(key, item) for item in value)}]")
    elif isinstance(value, list):
        out.append(f"{lead}{key}:")
        out.extend(f"{' ' * (indent + 2)}- {_scalar(key, item)}" for item in value)
    elif key in PROSE_KEYS and isinstance(value, str) and (len(value) > 80 or "\n" in value):
        _block(key, value, lead, indent + 2, out)
    else:
        out.append(f"{lead}{key}: {_scalar(key, value)}")


def _block(key: str, text: str, lead: str, indent: int, out: list[str]) -> None:
    """Paragraphs kept with ``|-`` (one line each, as the seed writes them); one paragraph
    folded with ``>-`` at WIDTH columns."""
    pad = " " * indent
    if "\n" in text:
        out.append(f"{lead}{key}: |-")
        out.extend(f"{pad}{line}" if line else "" for line in text.split("\n"))
        return
    out.append(f"{lead}{key}: >-")
    out.extend(f"{pad}{line}" for line in _wrap(text, WIDTH - indent))


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


def _scalar(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if key in PLAIN_KEYS and _plain(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _plain(text: str) -> bool:
    return (
        bool(text)
        and text[0].isalpha()
        and all(c.isalnum() or c == "-" for c in text)
        and text.lower() not in YAML11_WORDS
    )


# Writing ------------------------------------------------------------------------------

HEADER = "# yaml-language-server: $schema=../../schema/policy.schema.json"


@dataclass
class Written:
    files: int = 0
    bytes: int = 0
    versions: int = 0


def corpus_files(size: str, seed: int) -> Iterator[tuple[str, str]]:
    """Every file of the corpus, path and text, in a fixed order."""
    policies = plan_corpus(SIZES[size], seed)
    yield (
        "policies/organization.yaml",
        to_yaml(
            organization(), "# yaml-language-server: $schema=../schema/organization.schema.json"
        ),
    )
    for policy in policies:
        content = build_content(policy, Random(f"{seed}:content:{policy.number}"), policies)
        for plan, doc in versions(policy, content, seed):
            yield f"policies/{policy.number}/{plan.effective}.yaml", to_yaml(doc, HEADER)
        if policy.retired:
            yield f"policies/{policy.number}/retirement.yaml", to_yaml(retirement(policy))


def targets(size: str, seed: int) -> dict[str, Any]:
    """What the benchmarks query and change: a version not yet in effect (editing it is
    no history rewrite), the policy with the most versions, and the shared code."""
    policies = plan_corpus(SIZES[size], seed)
    future = [
        f"policies/{p.number}/{v.effective}.yaml"
        for p in policies
        for v in p.versions
        if v.effective > TODAY and v.status == "active" and not v.heavy
    ]
    shown = max(policies, key=lambda p: (bool(p.replaces), len(p.versions), -p.index))
    return {
        "change": future[0],
        "show": shown.number,
        "lookup": {"system": SHARED_CODE[0], "code": SHARED_CODE[1], "on": str(TODAY)},
        "today": str(TODAY),
    }


class CorpusError(Exception):
    """The corpus cannot be written where it was asked for."""


def prepare(out: Path) -> None:
    """A new or empty directory, or one holding a previous corpus, which is cleared."""
    if out.exists() and not out.is_dir():
        raise CorpusError(f"{out} is not a directory")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise CorpusError(
                f"{out} is not empty and holds no corpus ({MARKER}): refusing to write there"
            )
        for entry in out.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    out.mkdir(parents=True, exist_ok=True)


def write_marker(out: Path, info: Mapping[str, Any]) -> None:
    (out / MARKER).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", "utf-8")


def generate(size: str, out: Path, seed: int = 1) -> dict[str, Any]:
    """Write the corpus; returns what the marker records."""
    prepare(out)
    info: dict[str, Any] = {
        "generator": "benchmarks.corpus",
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "complete": False,
    }
    # Marked before anything is written, so that an interrupted run can be rewritten.
    write_marker(out, info)
    written = Written()
    for path, text in corpus_files(size, seed):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        target.write_bytes(data)
        written.files += 1
        written.bytes += len(data)
        if not path.endswith(("retirement.yaml", "organization.yaml")):
            written.versions += 1
    info.update(
        complete=True,
        files=written.files,
        bytes=written.bytes,
        versions=written.versions,
        **targets(size, seed),
    )
    write_marker(out, info)
    return info


def commit(out: Path) -> None:
    """One commit with a fixed author and date, so that its id is the same every time."""
    moment = "2026-11-29T00:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Policy team",
        "GIT_AUTHOR_EMAIL": "policy-team@example.org",
        "GIT_COMMITTER_NAME": "Policy team",
        "GIT_COMMITTER_EMAIL": "policy-team@example.org",
        "GIT_AUTHOR_DATE": moment,
        "GIT_COMMITTER_DATE": moment,
    }
    git = ["git", "-C", str(out), "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True, env=env)
    subprocess.run([*git, "add", "--", "policies", MARKER], check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "Corpus"], check=True, env=env)


def read_marker(out: Path) -> dict[str, Any] | None:
    try:
        info: dict[str, Any] = json.loads((out / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--git", action="store_true", help="commit the corpus in a new git repo")
    args = parser.parse_args(argv)
    try:
        info = generate(args.size, args.out, args.seed)
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.git:
        commit(args.out)
    print(
        f"wrote {info['versions']:,} versions in {info['files']:,} files "
        f"({info['bytes'] / 1e6:.1f} MB) to {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
