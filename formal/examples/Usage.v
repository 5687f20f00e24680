(** How exported proofs use the library (not built by [make -C formal]).
    Check with: [make -C formal && coqc -R formal Certify formal/examples/Usage.v] from the repository root. *)
From Coq Require Import Reals QArith Qreals List.
From Interval Require Import Tactic.
From Certify Require Import Expr Period PL Table.
Import ListNotations.
Open Scope R_scope.

(** Logistic map r = 383/100: Li-Yorke at an exact rational point, computed over Q. *)
Definition logistic : expr :=
  EMul (EConst (383#100)) (EMul EVar (EAdd (EConst 1) (EMul (EConst (-1#1)) EVar))).
Lemma logistic_period3 : exists x, has_minimal_period (evalR logistic) 3 x.
Proof.
  apply (check_li_yorke_sound logistic (5760892927400706207#36893488147419103232)).
  vm_compute; reflexivity.
Qed.

(** Tent map of slope 8/5 (below the golden ratio): no point of minimal period 3.  The breaks are
    the points where some iterate hits the peak 1/2. *)
Definition tent85 : expr :=
  EMul (EConst (8#5)) (EMin EVar (EAdd (EConst 1) (EMul (EConst (-1#1)) EVar))).
Theorem tent85_no_period3 : forall x, ~ has_minimal_period (evalR tent85) 3 x.
Proof.
  apply (check_no_period_sound tent85 3 [25#128; 5#16; 55#128; 1#2; 73#128; 11#16; 103#128]).
  vm_compute; reflexivity.
Qed.

(** The same refutation with f given once as a table (Table.v), as exports of large networks do:
    breaks [ts] = [1/2], one form (a, b) per piece, and for each segment of f^3 its itinerary (the
    piece holding its k-th image).  The cuts are the points where f or f^2 hits 1/2. *)
Definition tent85_ts : list Q := [1#2].
Definition tent85_forms : list (Q * Q) := [(8#5, 0#1); (-8#5, 8#5)].
Definition tent85_cuts : list Q := [25#128; 5#16; 55#128; 1#2; 73#128; 11#16; 103#128].
Definition tent85_itins : list (list nat) :=
  [[0; 0; 0]; [0; 0; 1]; [0; 1; 1]; [0; 1; 0]; [1; 1; 0]; [1; 1; 1]; [1; 0; 1]; [1; 0; 0]]%nat.
Theorem tent85_no_period3_table : forall x, ~ has_minimal_period (evalR tent85) 3 x.
Proof.
  apply (check_no_period_table_sound tent85 3 tent85_ts tent85_forms tent85_cuts tent85_itins).
  vm_compute; reflexivity.
Qed.

(** Forms are compared with [Qeq], not syntactically: 16/10 is accepted for 8/5. *)
Example tent85_table_qeq : table_ok tent85 tent85_ts [(16#10, 0#1); (-8#5, 16#10)] = true.
Proof. vm_compute; reflexivity. Qed.

(** A wrong form (intercept 3/2 instead of 8/5 on the right piece) computes to [false]. *)
Example tent85_wrong_form :
  check_no_period_table tent85 3 tent85_ts [(8#5, 0#1); (-8#5, 3#2)] tent85_cuts tent85_itins = false.
Proof. vm_compute; reflexivity. Qed.

(** A wrong itinerary (the second segment's last step claimed in piece 0), an out-of-range piece
    and an itinerary of the wrong length each compute to [false]. *)
Example tent85_wrong_itinerary :
  check_no_period_table tent85 3 tent85_ts tent85_forms tent85_cuts
    [[0; 0; 0]; [0; 0; 0]; [0; 1; 1]; [0; 1; 0]; [1; 1; 0]; [1; 1; 1]; [1; 0; 1]; [1; 0; 0]]%nat = false.
Proof. vm_compute; reflexivity. Qed.
Example tent85_out_of_range :
  check_no_period_table tent85 3 tent85_ts tent85_forms tent85_cuts
    [[0; 0; 0]; [0; 0; 1]; [0; 1; 1]; [0; 1; 0]; [1; 1; 0]; [1; 1; 1]; [1; 0; 1]; [1; 0; 2]]%nat = false.
Proof. vm_compute; reflexivity. Qed.
Example tent85_wrong_length :
  check_no_period_table tent85 3 tent85_ts tent85_forms tent85_cuts
    [[0; 0]; [0; 0; 1]; [0; 1; 1]; [0; 1; 0]; [1; 1; 0]; [1; 1; 1]; [1; 0; 1]; [1; 0; 0]]%nat = false.
Proof. vm_compute; reflexivity. Qed.

(** Tent map of slope 2: the exact 3-cycle 2/7 -> 4/7 -> 6/7. *)
Definition tent2 : expr :=
  EMul (EConst 2) (EMin EVar (EAdd (EConst 1) (EMul (EConst (-1#1)) EVar))).
Lemma tent2_cycle : has_minimal_period (evalR tent2) 3 (Q2R (2#7)).
Proof. apply (check_cycle_sound tent2 (2#7) [4#7; 6#7]); vm_compute; reflexivity. Qed.

(** The shape of an enclosure hypothesis of [li_yorke_enclosures] for a smooth map, proved by
    [interval] after unfolding the term and its rational constants. *)
Definition smooth : expr := ETanh (EMul (EConst (3#1)) (EAdd EVar (EConst (-1#2)))).
Lemma smooth_enclosure : forall y, 1/10 <= y <= 2/10 -> -1 <= evalR smooth y <= 0.
Proof. intros y Hy; unfold smooth; simpl evalR; unfold tanh, Q2R; simpl; split; interval. Qed.
