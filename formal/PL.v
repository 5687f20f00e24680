(** * Piecewise-linear maps over Q: reflective checks of periodic orbits and of their absence.

    [aff e s] is the affine form (slope, intercept) of [evalR e] on the segment [s] when every max
    and min in [e] keeps one side on all of [s] (and every product has a constant factor);
    [aff_iter e n s] the form of the n-th iterate.  A list of breaks [ts] cuts the line into
    segments; [check_no_period] solves f^p(x) = x on each one exactly. *)
From Coq Require Import Reals QArith Qreals Lra List Bool.
From Certify Require Import Expr Period.
Import ListNotations.
Open Scope R_scope.

(** A closed segment of the line; [None] is an infinite end. *)
Record seg : Type := Seg { lo : option Q; hi : option Q }.

Definition in_seg (s : seg) (x : R) : Prop :=
  (match lo s with Some l => Q2R l <= x | None => True end) /\
  (match hi s with Some h => x <= Q2R h | None => True end).

Definition qred_aff (a b : Q) : Q * Q := (Qred a, Qred b).

(** [a x + b >= 0] on all of [s].  On the whole line (both ends infinite) the end tests only give
    [a = 0], so the last conjunct also asks [b >= 0]. *)
Definition nonneg_on (a b : Q) (s : seg) : bool :=
  (match lo s with Some l => Qle_bool 0 (a * l + b) | None => Qle_bool a 0 end) &&
  (match hi s with Some h => Qle_bool 0 (a * h + b) | None => Qle_bool 0 a end) &&
  (match lo s, hi s with None, None => Qle_bool 0 b | _, _ => true end).

Fixpoint aff (e : expr) (s : seg) : option (Q * Q) :=
  match e with
  | EVar => Some (1%Q, 0%Q)
  | EConst q => Some (0%Q, q)
  | EAdd u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) => Some (qred_aff (a + c) (b + d))
      | _, _ => None
      end
  | EMul u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) =>
          if Qeq_bool a 0 then Some (qred_aff (b * c) (b * d))
          else if Qeq_bool c 0 then Some (qred_aff (a * d) (b * d))
          else None
      | _, _ => None
      end
  | EMax u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) =>
          if nonneg_on (a - c) (b - d) s then Some (a, b)
          else if nonneg_on (c - a) (d - b) s then Some (c, d)
          else None
      | _, _ => None
      end
  | EMin u v =>
      match aff u s, aff v s with
      | Some (a, b), Some (c, d) =>
          if nonneg_on (c - a) (d - b) s then Some (a, b)
          else if nonneg_on (a - c) (b - d) s then Some (c, d)
          else None
      | _, _ => None
      end
  | ETanh _ | ESigmoid _ | EExp _ => None
  end.

Theorem aff_sound : forall e s a b, aff e s = Some (a, b) ->
  forall x, in_seg s x -> evalR e x = Q2R a * x + Q2R b.
Admitted.

(** The image of [s] under x |-> a x + b. *)
Definition image (a b : Q) (s : seg) : seg :=
  let m := fun (q : Q) => Qred (a * q + b) in
  if Qeq_bool a 0 then Seg (Some b) (Some b)
  else if Qle_bool 0 a then Seg (option_map m (lo s)) (option_map m (hi s))
  else Seg (option_map m (hi s)) (option_map m (lo s)).

(** The affine form of the n-th iterate on [s]. *)
Fixpoint aff_iter (e : expr) (n : nat) (s : seg) : option (Q * Q) :=
  match n with
  | O => Some (1%Q, 0%Q)
  | S k =>
      match aff e s with
      | None => None
      | Some (a, b) =>
          match aff_iter e k (image a b s) with
          | Some (c, d) => Some (qred_aff (c * a) (c * b + d))
          | None => None
          end
      end
  end.

Theorem aff_iter_sound : forall e n s a b, aff_iter e n s = Some (a, b) ->
  forall x, in_seg s x -> iter (evalR e) n x = Q2R a * x + Q2R b.
Admitted.

(** The segments cut by the breaks [ts]: (-oo, t1], [t1, t2], ..., [tm, +oo). *)
Fixpoint segs_from (l : option Q) (ts : list Q) : list seg :=
  match ts with
  | [] => [Seg l None]
  | t :: r => Seg l (Some t) :: segs_from (Some t) r
  end.

Definition segments (ts : list Q) : list seg := segs_from None ts.

Definition Qlt_bool (a b : Q) : bool := negb (Qle_bool b a).

Fixpoint increasing (ts : list Q) : bool :=
  match ts with
  | t :: ((u :: _) as r) => Qlt_bool t u && increasing r
  | _ => true
  end.

Definition in_seg_b (s : seg) (x : Q) : bool :=
  (match lo s with Some l => Qle_bool l x | None => true end) &&
  (match hi s with Some h => Qle_bool x h | None => true end).

(** The exact orbit of [x]: [Some] of its n-th iterate. *)
Fixpoint iterQ (e : expr) (n : nat) (x : Q) : option Q :=
  match n with
  | O => Some x
  | S k => match iterQ e k x with Some y => evalQ e y | None => None end
  end.

(** Some 0 < k < p has f^k(x) = x, computed exactly. *)
Definition returns_early (e : expr) (p : nat) (x : Q) : bool :=
  existsb (fun k => match iterQ e k x with Some y => Qeq_bool y x | None => false end) (seq 1 (pred p)).

(** Some 0 < k < p has f^k = id on all of [s]. *)
Definition identity_early (e : expr) (p : nat) (s : seg) : bool :=
  existsb (fun k => match aff_iter e k s with
                    | Some (a, b) => Qeq_bool a 1 && Qeq_bool b 0
                    | None => false end) (seq 1 (pred p)).

(** On [s], f^p is affine and each of its fixed points returns before step p. *)
Definition piece_ok (e : expr) (p : nat) (s : seg) : bool :=
  match aff_iter e p s with
  | None => false
  | Some (a, b) =>
      if Qeq_bool a 1 then
        (negb (Qeq_bool b 0)) || identity_early e p s
      else
        let x := Qred (b / (1 - a)) in
        negb (in_seg_b s x) || returns_early e p x
  end.

Definition check_no_period (e : expr) (p : nat) (ts : list Q) : bool :=
  increasing ts && forallb (piece_ok e p) (segments ts).

Theorem check_no_period_sound : forall e p ts, check_no_period e p ts = true ->
  forall x, ~ has_minimal_period (evalR e) p x.
Admitted.

(** An exact cycle x0 -> x1 -> ... -> x0 of pairwise distinct points. *)
Fixpoint maps_along (e : expr) (x0 : Q) (xs : list Q) : bool :=
  match xs with
  | [] => false
  | [x] => match evalQ e x with Some y => Qeq_bool y x0 | None => false end
  | x :: ((y :: _) as r) =>
      match evalQ e x with Some z => Qeq_bool z y && maps_along e x0 r | None => false end
  end.

Fixpoint distinct (xs : list Q) : bool :=
  match xs with
  | [] => true
  | x :: r => forallb (fun y => negb (Qeq_bool x y)) r && distinct r
  end.

Definition check_cycle (e : expr) (xs : list Q) : bool :=
  match xs with [] => false | x0 :: _ => maps_along e x0 xs && distinct xs end.

Theorem check_cycle_sound : forall e x xs, check_cycle e (x :: xs) = true ->
  has_minimal_period (evalR e) (S (length xs)) (Q2R x).
Admitted.

(** f^3(a) <= a < f(a) < f^2(a), or all reversed, computed exactly. *)
Definition check_li_yorke (e : expr) (a : Q) : bool :=
  match evalQ e a with
  | None => false
  | Some b =>
      match evalQ e b with
      | None => false
      | Some c =>
          match evalQ e c with
          | None => false
          | Some d =>
              (Qle_bool d a && Qlt_bool a b && Qlt_bool b c) ||
              (Qlt_bool c b && Qlt_bool b a && Qle_bool a d)
          end
      end
  end.

Theorem check_li_yorke_sound : forall e a, check_li_yorke e a = true ->
  exists x, has_minimal_period (evalR e) 3 x.
Admitted.
